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
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses a request never leaves on its own (requeue and discard are a person's choice). */
export const TERMINAL_STATUSES = ["succeeded", "failed", "rejected", "expired", "cancelled", "dead"] as const;

/** Priorities, lowest first: a priority's index is its rank. */
export const PRIORITIES = ["LOW", "NORMAL", "HIGH", "URGENT", "EMERGENCY"] as const;
export type Priority = (typeof PRIORITIES)[number];

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}
