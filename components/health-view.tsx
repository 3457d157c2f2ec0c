"use client";
import useSWR from "swr";
import type { Health } from "@/lib/dashboard/health";
import { ApiError } from "@/lib/http/errors";
import { bytes, dateTime, duration } from "./format";
import { useNow, useTimeZone } from "./clock";
import { numeric, Panel, PanelTableHead } from "./panel";
import { RunnersTable } from "./runners-table";
import { WorkersTable } from "./workers-table";

/** /api/health answers 503 with the same body when a part is down: that is data, not an error. */
async function fetchHealth(url: string): Promise<Health> {
  const res = await fetch(url, { cache: "no-store" });
  const body: unknown = await res.json().catch(() => null);
  if (res.status !== 200 && res.status !== 503) throw ApiError.fromBody(res.status, body);
  return body as Health;
}

export function HealthView({ initial }: { initial: Health }) {
  const now = useNow();
  const zone = useTimeZone();
  const { data, mutate } = useSWR("/api/health", fetchHealth, { fallbackData: initial, refreshInterval: 2000, refreshWhenHidden: false });
  const h = data ?? initial;
  return (
    <div className="space-y-5">
      <div className="flex items-center gap-3">
        <h1 className="text-xl font-semibold">Health</h1>
        <span
          data-testid="health-ok"
          data-ok={h.ok}
          className={`rounded px-2 py-0.5 text-sm font-semibold ${h.ok ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-500/20 dark:text-emerald-200" : "bg-red-600 text-white"}`}
        >
          {h.ok ? "All parts up" : "Something is down"}
        </span>
      </div>
      {h.problems.length > 0 && (
        <ul className="list-disc space-y-1 rounded-md border border-red-200 bg-red-50 py-2 pl-8 pr-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-200" data-testid="problems">
          {h.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}

      <Panel title="Workers">
        <WorkersTable workers={h.workers} now={now} />
      </Panel>

      <Panel title="Runners">
        <RunnersTable runners={h.runners} now={now} onChange={() => void mutate()} />
      </Panel>

      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Queues">
          <table className="w-full text-sm" data-testid="queues-table">
            <PanelTableHead columns={["Queue", numeric("Ready"), numeric("Running"), numeric("Dead"), "Oldest ready", "No live consumer"]} />
            <tbody className="tabular-nums">
              {h.queues.map((q) => (
                <tr key={q.queue} className="border-t border-zinc-100 dark:border-zinc-800" data-testid="queue-row">
                  <td className="py-1.5 pr-2 font-mono text-xs">{q.queue}</td>
                  <td className="py-1.5 pr-2 text-right">{q.ready}</td>
                  <td className="py-1.5 pr-2 text-right">{q.leased}</td>
                  <td className="py-1.5 pr-2 text-right">{q.dead}</td>
                  <td className="py-1.5 pr-2">{q.oldestReadyAt ? duration(now - q.oldestReadyAt) : "–"}</td>
                  <td className={`py-1.5 font-mono text-xs ${q.actorsWithoutConsumer.length && q.ready ? "font-semibold text-red-600 dark:text-red-400" : "muted"}`}>
                    {q.actorsWithoutConsumer.join(", ") || "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>

        <Panel title="Database">
          <dl className="grid grid-cols-[minmax(0,9rem)_minmax(0,1fr)] gap-x-2 gap-y-1.5 text-sm" data-testid="db-health">
            <dt className="muted">{h.db.kind === "postgres" ? "PostgreSQL" : "SQLite file"}</dt>
            <dd className="truncate font-mono text-xs" title={h.db.location}>{h.db.location}</dd>
            <dt className="muted">Size</dt>
            <dd>{bytes(h.db.sizeBytes)}</dd>
            {h.db.walBytes !== undefined && (
              <>
                <dt className="muted">Write-ahead log</dt>
                <dd>{bytes(h.db.walBytes)}</dd>
                <dt className="muted">Last checkpoint</dt>
                <dd>
                  {h.db.lastCheckpoint
                    ? `${dateTime(h.db.lastCheckpoint.at, zone)} — ${h.db.lastCheckpoint.checkpointed} of ${h.db.lastCheckpoint.walFrames} frames copied`
                    : "–"}
                </dd>
              </>
            )}
            {h.db.pool && (
              <>
                <dt className="muted">Connections</dt>
                <dd>{`${h.db.pool.total} open, ${h.db.pool.idle} idle, ${h.db.pool.waiting} waiting`}</dd>
              </>
            )}
          </dl>
        </Panel>
      </div>

      <Panel title={`tmux${h.tmux.socket ? ` (socket ${h.tmux.socket})` : " (default server)"}`}>
        <p className="mb-2 text-sm" data-testid="tmux-reachable" data-ok={h.tmux.reachable}>
          {h.tmux.reachable ? (
            <span className="text-emerald-700 dark:text-emerald-400">Server reachable, {h.tmux.sessions.length} session{h.tmux.sessions.length === 1 ? "" : "s"}.</span>
          ) : h.tmux.localSessions.length > 0 ? (
            <span className="font-semibold text-red-600 dark:text-red-400">Not reachable: {h.tmux.error}</span>
          ) : (
            <span className="text-zinc-600 dark:text-zinc-400">
              Not reachable ({h.tmux.error}), and not needed: no agent&apos;s session is run on this host (runners run them).
            </span>
          )}
        </p>
        {h.tmux.sessions.length > 0 && (
          <table className="w-full text-sm" data-testid="tmux-sessions">
            <PanelTableHead columns={["Session", "Agents", numeric("Windows"), "Attached"]} />
            <tbody>
              {h.tmux.sessions.map((s) => (
                <tr key={s.name} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-1.5 pr-2 font-mono text-xs">{s.name}</td>
                  <td className="py-1.5 pr-2">{s.agents.join(", ") || <span className="muted">no agent bound</span>}</td>
                  <td className="py-1.5 pr-2 text-right tabular-nums">{s.windows}</td>
                  <td className="py-1.5">{s.attached ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
