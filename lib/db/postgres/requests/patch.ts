import type { RequestPatch } from "../../store";
import { columnOf } from "../rows";

// The columns a transition may write besides its status: every key of RequestPatch, so a patch
// key that is not a column of requests (or one a transition must never touch: id, status,
// agent_id, session, command, created_at) cannot reach the SQL text.
const PATCHABLE: Record<keyof RequestPatch, true> = {
  cwd: true,
  reason: true,
  priority: true,
  timeoutSec: true,
  autoApprove: true,
  idempotencyKey: true,
  decidedBy: true,
  decidedAt: true,
  decisionComment: true,
  exitCode: true,
  output: true,
  outputTruncated: true,
  attempts: true,
  lastError: true,
  expiresAt: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  discardedAt: true,
};

const isPatchable = (key: string): key is keyof RequestPatch => Object.hasOwn(PATCHABLE, key);

/**
 * `col = $n, …` for the keys of `patch` whose value is defined (as Drizzle's `set` skips
 * undefined), numbering parameters after `values`, which it extends.
 */
export function assignments(patch: RequestPatch, values: unknown[]): string[] {
  return Object.entries(patch).flatMap(([key, value]) => {
    if (value === undefined) return [];
    if (!isPatchable(key)) throw new Error(`A transition cannot set requests.${key}.`);
    return [`${columnOf(key)} = $${values.push(value)}`];
  });
}
