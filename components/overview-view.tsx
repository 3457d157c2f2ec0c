"use client";
import Link from "next/link";
import type { Overview } from "@/lib/dashboard/overview";
import { Sparkline } from "./charts";
import { count, duration } from "./format";
import { useNow } from "./clock";
import { useLive } from "./live";
import { Figure, Panel } from "./panel";
import { WorkersTable } from "./workers-table";

export function OverviewView({ initial }: { initial: Overview }) {
  const { data } = useLive<Overview>("/api/stats", initial);
  const now = useNow();
  const o = data ?? initial;
  const c = o.counts;
  const up = o.workers.filter((w) => w.state === "up").length;
  const down = o.workers.filter((w) => w.state === "down").length;
  return (
    <div className="space-y-5">
      <h1 className="text-xl font-semibold">Overview</h1>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        <Link href="/inbox" className="contents">
          <Figure
            label="Pending"
            value={count(c.pending)}
            testId="count-pending"
            tone={c.pending > 0 ? "warn" : undefined}
            sub={o.oldestPendingAt ? <span data-testid="oldest-pending">oldest {duration(now - o.oldestPendingAt)}</span> : "none waiting"}
          />
        </Link>
        <Figure label="Queued" value={count(c.queued)} testId="count-queued" />
        <Figure label="Running" value={count(c.running)} testId="count-running" />
        <Figure label="Succeeded (1 h)" value={count(o.lastHour.succeeded)} testId="count-succeeded-hour" />
        <Figure label="Failed (1 h)" value={count(o.lastHour.failed)} testId="count-failed-hour" tone={o.lastHour.failed > 0 ? "bad" : undefined} />
        <Link href="/requests?tab=dead" className="contents">
          <Figure label="Dead letters" value={count(c.dead)} testId="count-dead" tone={c.dead > 0 ? "bad" : undefined} />
        </Link>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Last 60 minutes" action={<Link href="/throughput" className="text-sm text-sky-700 hover:underline dark:text-sky-400">Throughput →</Link>}>
          <div className="space-y-3">
            <div>
              <div className="mb-1 flex justify-between text-xs muted">
                <span>submitted per minute</span>
                <span>{count(o.lastHour.submitted)} in the hour</span>
              </div>
              <Sparkline values={o.sparkline.submitted} label="Requests submitted per minute, last hour" />
            </div>
            <div>
              <div className="mb-1 flex justify-between text-xs muted">
                <span>finished per minute</span>
                <span>{count(o.lastHour.succeeded + o.lastHour.failed)} in the hour</span>
              </div>
              <Sparkline values={o.sparkline.finished} label="Commands finished per minute, last hour" color="var(--color-emerald-500)" />
            </div>
          </div>
        </Panel>
        <Panel
          title="Workers"
          action={
            <span className="text-sm" data-testid="workers-summary">
              <span className="text-emerald-600 dark:text-emerald-400">{up} up</span>
              {down > 0 && <span className="ml-2 font-semibold text-red-600 dark:text-red-400">{down} down</span>}
              <Link href="/health" className="ml-3 text-sky-700 hover:underline dark:text-sky-400">Health →</Link>
            </span>
          }
        >
          <WorkersTable workers={o.workers} now={now} compact />
        </Panel>
      </div>
    </div>
  );
}
