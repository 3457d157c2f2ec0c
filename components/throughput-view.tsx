"use client";
import { useState } from "react";
import type { Overview } from "@/lib/dashboard/overview";
import type { Percentiles, Range, Throughput } from "@/lib/dashboard/throughput";
import { LineChart, StackedBars } from "./charts";
import { useTimeZone } from "./clock";
import { clock, count, dateTime, latency, weekdayHour } from "./format";
import { useLive } from "./live";
import { Figure, numeric, Panel, PanelTableHead } from "./panel";

type Stats = Overview & { throughput: Throughput };
const RANGE_LABELS: Record<Range, string> = { "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

export function ThroughputView({ initial }: { initial: Stats }) {
  const [range, setRange] = useState<Range>(initial.throughput.range);
  const { data } = useLive<Stats>(`/api/stats?range=${range}`, range === initial.throughput.range ? initial : undefined);
  const t = data?.throughput;

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Throughput</h1>
        <div role="radiogroup" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700">
          {(Object.keys(RANGE_LABELS) as Range[]).map((r) => (
            <button
              key={r}
              type="button"
              role="radio"
              aria-checked={r === range}
              data-testid={`range-${r}`}
              onClick={() => setRange(r)}
              className={`px-3 py-1 text-sm ${r === range ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
            >
              {RANGE_LABELS[r]}
            </button>
          ))}
        </div>
        {t && <span className="text-xs muted">one point per {t.bucketMs / 60_000} min</span>}
      </div>

      {!t ? (
        <p className="muted">Loading…</p>
      ) : (
        <Charts t={t} />
      )}
    </div>
  );
}

function Charts({ t }: { t: Throughput }) {
  const zone = useTimeZone();
  const perMin = t.bucketMs / 60_000;
  const labels = t.points.map((p) => (t.range === "7d" ? weekdayHour(p.t, zone) : clock(p.t, zone)));
  const rate = (k: "submitted" | "decided" | "started") => t.points.map((p) => p[k] / perMin);
  const finished = t.totals.succeeded + t.totals.failed;
  return (
    <>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5" data-testid="throughput-totals">
        <Figure label="Submitted" value={count(t.totals.submitted)} />
        <Figure label="Decided" value={count(t.totals.decided)} />
        <Figure label="Started" value={count(t.totals.started)} />
        <Figure label="Succeeded" value={count(t.totals.succeeded)} sub={finished ? `${((t.totals.succeeded / finished) * 100).toFixed(1)}% of finished` : undefined} />
        <Figure label="Failed / dead" value={`${count(t.totals.failed)} / ${count(t.totals.dead)}`} />
      </div>

      <div className="grid gap-5 xl:grid-cols-2">
        <Panel title="Requests per minute">
          <LineChart
            label="Requests submitted, decided and started per minute"
            labels={labels}
            unit="/min"
            series={[
              { name: "submitted", values: rate("submitted"), color: "var(--color-sky-500)" },
              { name: "decided", values: rate("decided"), color: "var(--color-amber-500)" },
              { name: "run (started)", values: rate("started"), color: "var(--color-indigo-500)" },
            ]}
          />
        </Panel>
        <Panel title="Outcomes">
          <StackedBars
            label="Commands that succeeded, failed and were dead-lettered"
            labels={labels}
            series={[
              { name: "succeeded", values: t.points.map((p) => p.succeeded), color: "var(--color-emerald-500)" },
              { name: "failed", values: t.points.map((p) => p.failed), color: "var(--color-red-500)" },
              { name: "dead", values: t.points.map((p) => p.dead), color: "var(--color-rose-900)" },
            ]}
          />
        </Panel>
        <Panel title="Queue depth">
          <LineChart
            label="Requests waiting for a decision and commands waiting for a worker"
            labels={labels}
            series={[
              { name: "waiting for a decision", values: t.points.map((p) => p.pendingDepth), color: "var(--color-amber-500)" },
              { name: "queued for a worker", values: t.points.map((p) => p.queuedDepth), color: "var(--color-sky-600)" },
            ]}
          />
        </Panel>
        <Panel title="Latency">
          <table className="w-full text-sm" data-testid="latency-table">
            <PanelTableHead columns={["Stage", numeric("p50"), numeric("p95"), numeric("p99"), numeric("count")]} />
            <tbody className="tabular-nums">
              <LatencyRow name="Time to decision (by a person)" p={t.latency.decision} />
              <LatencyRow name="Enqueue → start" p={t.latency.wait} />
              <LatencyRow name="Run time" p={t.latency.run} />
            </tbody>
          </table>
          <p className="mt-3 text-xs muted">
            Since {dateTime(t.latencySince, zone)}. Percentiles come from log-scale histograms kept per hour, so each is within about 10%.
          </p>
        </Panel>
      </div>
    </>
  );
}

function LatencyRow({ name, p }: { name: string; p: Percentiles }) {
  return (
    <tr className="border-t border-zinc-100 dark:border-zinc-800">
      <td className="py-1.5">{name}</td>
      <td className="whitespace-nowrap py-1.5 pl-2 text-right">{latency(p.p50)}</td>
      <td className="whitespace-nowrap py-1.5 pl-2 text-right">{latency(p.p95)}</td>
      <td className="whitespace-nowrap py-1.5 pl-2 text-right">{latency(p.p99)}</td>
      <td className="py-1.5 pl-2 text-right muted">{count(p.count)}</td>
    </tr>
  );
}
