/** Every status a request can have; one source for the schema, validation and the UI. */
export const REQUEST_STATUSES = [
  "pending",
  "queued",
  "running",
  "succeeded",
  "failed",
  "rejected",
  "expired",
  "cancelled",
  "dead",
  /** A gate request a person or the policy allowed: the agent runs the command itself. */
  "allowed",
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses a request never leaves on its own (requeue and discard are a person's choice). */
export const TERMINAL_STATUSES = ["succeeded", "failed", "rejected", "expired", "cancelled", "dead", "allowed"] as const;

/**
 * What a request asks for: `run` — Gatehouse runs the command in the agent's tmux session once
 * approved; `gate` — the agent asks leave to run it itself (`gatehouse hook`), and nothing runs it here.
 */
export const REQUEST_KINDS = ["run", "gate"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Priorities, lowest first: a priority's index is its rank. */
export const PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT", "EMERGENCY"] as const;
export type Priority = (typeof PRIORITIES)[number];

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}
