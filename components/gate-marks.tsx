import type { RequestListRow } from "@/lib/db/store";
import { duration } from "./format";

/** A long-poll lasts at most 60 s: an agent seen waiting this recently is waiting now. */
const WAITING_WINDOW_MS = 75_000;

/** For a gate request: that the agent runs it itself, and, while it waits for a person, for how long. */
export function GateMarks({ row, now }: { row: Pick<RequestListRow, "kind" | "status" | "agentWaitedAt" | "createdAt">; now: number }) {
  if (row.kind !== "gate") return null;
  const waiting = row.status === "pending" && row.agentWaitedAt !== null && now - row.agentWaitedAt < WAITING_WINDOW_MS;
  return (
    <span className="inline-flex items-center gap-1.5 text-xs">
      <span data-testid="runs-in-agent" className="rounded border border-violet-300 px-1.5 py-px font-medium text-violet-800 dark:border-violet-500 dark:text-violet-300">
        runs in the agent
      </span>
      {waiting && (
        <span data-testid="agent-waiting" className="font-semibold text-amber-700 dark:text-amber-300">
          agent waiting {duration(now - row.createdAt)}
        </span>
      )}
    </span>
  );
}
