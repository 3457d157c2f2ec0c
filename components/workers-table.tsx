import type { WorkerStatus } from "@/lib/queue/workers";
import { duration } from "./format";
import { numeric, PanelTableHead, type Column } from "./panel";

const COLUMNS: Column[] = ["State", "Host / pid", "Heartbeat", numeric("In flight"), numeric("Processed"), numeric("Failed")];

const STATE_STYLE = {
  up: "bg-emerald-100 text-emerald-900 dark:bg-emerald-500/20 dark:text-emerald-200",
  down: "bg-red-600 text-white",
  stopped: "bg-zinc-200 text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200",
};

export function WorkerState({ state }: { state: WorkerStatus["state"] }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATE_STYLE[state]}`}>{state}</span>;
}

/** Worker processes with their heartbeat age; `compact` drops the queue and actor columns. */
export function WorkersTable({ workers, now, compact = false }: { workers: WorkerStatus[]; now: number; compact?: boolean }) {
  if (workers.length === 0) {
    return (
      <p data-testid="no-workers" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200">
        No worker has sent a heartbeat in the last hour: approved commands will wait. Start one with <code className="font-mono">npm run worker</code>.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="workers-table">
        <PanelTableHead columns={compact ? COLUMNS : [...COLUMNS, "Queues", "Actors"]} />
        <tbody className="tabular-nums">
          {workers.map((w) => (
            <tr key={w.id} data-testid="worker-row" data-state={w.state} className="border-t border-zinc-100 align-top dark:border-zinc-800">
              <td className="py-1.5 pr-3"><WorkerState state={w.state} /></td>
              <td className="py-1.5 pr-3 font-mono text-xs">{w.host} / {w.pid}</td>
              <td className={`py-1.5 pr-3 ${w.state === "down" ? "font-semibold text-red-600 dark:text-red-400" : ""}`}>{duration(now - w.heartbeatAt)} ago</td>
              <td className="py-1.5 pr-3 text-right">{w.inFlight} / {w.concurrency}</td>
              <td className="py-1.5 pr-3 text-right">{w.processed.toLocaleString("en-US")}</td>
              <td className="py-1.5 pr-3 text-right">{w.failed.toLocaleString("en-US")}</td>
              {!compact && <td className="py-1.5 pr-3 text-xs">{w.queues.join(", ") || "all"}</td>}
              {!compact && <td className="py-1.5 font-mono text-xs">{w.actors.join(", ")}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
