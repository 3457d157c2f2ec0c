import * as z from "zod";
import type { AgentIdentity } from "../auth/agents";
import type { Request as RequestRow } from "../db/rows";
import type { Store } from "../db/store";
import { conflict } from "../http/errors";
import { refusal, transition } from "./lifecycle";

/** Output kept of a gate request's run: the last lines the hook sends, at most this many characters. */
export const OUTCOME_OUTPUT_CHARS = 16 * 1024;

/** The body of `POST /api/requests/:id/outcome`: what happened when the agent ran an allowed gate request. */
// The exit code is optional: Claude Code's PostToolUse for a command that ran carries none.
export const outcomeSchema = z.strictObject({
  exitCode: z.number().int().min(-255).max(255).optional(),
  interrupted: z.boolean().optional(),
  /** The last lines of the output, capped by the hook; cut further here if longer. */
  outputTail: z.string().max(256 * 1024).refine((s) => !s.includes("\u0000"), "must not contain NUL bytes").default(""),
});
export type Outcome = z.output<typeof outcomeSchema>;

/**
 * Records, once, what happened when the agent ran its allowed gate request: the exit code (or that
 * it was interrupted) and the output's last lines, with an audit event. The status stays `allowed`.
 */
export async function recordOutcome(store: Store, row: RequestRow, agent: AgentIdentity, outcome: Outcome, now = Date.now()): Promise<RequestRow> {
  if (row.kind !== "gate") throw conflict(`${refusal(row, "record")} It is run by Gatehouse: only a gate request's agent reports how it went.`);
  if (row.finishedAt !== null) throw conflict(`Request ${row.id} already has its outcome (recorded at ${new Date(row.finishedAt).toISOString()}).`);
  const cut = outcome.outputTail.length > OUTCOME_OUTPUT_CHARS;
  const how = outcome.interrupted
    ? "interrupted in the agent"
    : outcome.exitCode === undefined
      ? "ran in the agent (no exit code reported)"
      : `exit code ${outcome.exitCode} in the agent`;
  return transition(store, row.id, "record", {
    actor: `agent:${agent.id}`,
    reason: how,
    set: {
      exitCode: outcome.exitCode ?? null,
      output: cut ? outcome.outputTail.slice(-OUTCOME_OUTPUT_CHARS) : outcome.outputTail,
      outputTruncated: cut,
      lastError: outcome.interrupted ? how : null,
      finishedAt: now,
    },
    now,
  });
}
