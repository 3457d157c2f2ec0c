/**
 * The HTTP contract the hook speaks with the Gatehouse server (routes beside the API's agent
 * routes; the server's side is lib/requests/submit.ts and lib/requests/outcome.ts, and
 * tests/hook/contract-server.ts stands in for it in the client's own tests).
 *
 * - `POST /api/requests` `{session, command, cwd?, reason?, kind: "gate"}`, header
 *   `Idempotency-Key`: 201 (or 200 for a repeated key) with the request object.
 * - `GET /api/requests/:id?wait=N` (N ≤ 60): the request once its status changes, or unchanged.
 * - `POST /api/requests/:id/cancel`: while pending; 409 once someone decided.
 * - `POST /api/requests/:id/outcome` `{exitCode?, interrupted?, outputTail}`: what happened when
 *   the agent ran an allowed gate request.
 */
import { isNonEmpty, isObject, isString, misfit, nullable, optional, type Field } from "./shape";

/**
 * The body field that makes a request a gate request (the agent runs the command itself once
 * allowed; the worker never does). One constant, so that the name the server settles on is one edit.
 */
export const GATE_KIND_FIELD = "kind";
export const GATE_KIND = "gate";

/** The longest `wait` the server honours on one GET (docs/api.md). */
export const MAX_WAIT_PER_CALL_SEC = 60;

export const routes = {
  submit: "/api/requests",
  request: (id: string, waitSec: number) => `/api/requests/${encodeURIComponent(id)}?wait=${waitSec}`,
  cancel: (id: string) => `/api/requests/${encodeURIComponent(id)}/cancel`,
  outcome: (id: string) => `/api/requests/${encodeURIComponent(id)}/outcome`,
};

/** The part of the request object the hook reads; any other field is the server's business. */
export interface GateRequestView {
  id: string;
  status: string;
  decision?: { by?: string; comment?: string | null } | null;
}

const DECISION_FIELDS: readonly Field[] = [
  ["by", optional(isString), "a string"],
  ["comment", optional(nullable(isString)), "a string or null"],
];
const REQUEST_FIELDS: readonly Field[] = [
  ["id", isNonEmpty, "a non-empty string"],
  ["status", isString, "a string"],
  ["decision", optional(nullable((v) => isObject(v) && !misfit(v, DECISION_FIELDS))), "a decision or null"],
];

/** A server answer as a request object, or undefined when it is not one. */
export const asGateRequestView = (body: unknown): GateRequestView | undefined =>
  misfit(body, REQUEST_FIELDS) ? undefined : (body as GateRequestView);

/** What POST /api/requests receives from the hook. */
export interface GateSubmission {
  session: string;
  command: string;
  cwd?: string;
  reason?: string;
}

/** What POST /api/requests/:id/outcome receives after the agent ran the command. */
export interface GateOutcome {
  exitCode?: number;
  interrupted?: boolean;
  /** The last lines of the output (stdout, then stderr), capped. */
  outputTail: string;
}

/** The submit body, with the gate marker under its one field name. */
export const submitBody = (s: GateSubmission): Record<string, unknown> => ({ ...s, [GATE_KIND_FIELD]: GATE_KIND });
