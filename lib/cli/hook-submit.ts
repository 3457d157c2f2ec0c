/**
 * Submits a gate request: once, again after the server's Retry-After while the hook may still
 * wait (an agent over its rate limit), and, when the agent stops the hook mid-submit, once more
 * with the same Idempotency-Key to learn the request's id and cancel it, so that a request nobody
 * waits for never sits in the inbox.
 */
import { asGateRequestView, routes, submitBody, type GateRequestView, type GateSubmission } from "../hook/contract";
import { HttpError, type JsonCall } from "../hook/http";

/** How long the submit may take before the server counts as unreachable. */
export const CALL_TIMEOUT_MS = 10_000;
/** Rate-limit retries at most. */
const MAX_RETRIES = 3;

export interface SubmitOptions {
  idempotencyKey: string;
  /** Epoch ms after which the hook stops waiting (no retry sleeps past it). */
  deadline: number;
  signal?: AbortSignal;
}

function asRequest(body: unknown): GateRequestView {
  const view = asGateRequestView(body);
  if (!view) throw new Error("the server answered the submit with something that is not a request");
  return view;
}

export async function submitGate(call: JsonCall, submission: GateSubmission, opts: SubmitOptions): Promise<GateRequestView> {
  const post = (signal?: AbortSignal) =>
    call("POST", routes.submit, {
      body: submitBody(submission),
      headers: { "idempotency-key": opts.idempotencyKey },
      timeoutMs: CALL_TIMEOUT_MS,
      signal,
    });
  for (let attempt = 0; ; attempt++) {
    try {
      return asRequest((await post(opts.signal)).body);
    } catch (e) {
      if (opts.signal?.aborted) {
        await cancelOrphan(call, post);
        throw e;
      }
      const wait = e instanceof HttpError && e.status === 429 ? (e.retryAfterSec ?? 1) * 1000 : undefined;
      if (wait === undefined || attempt >= MAX_RETRIES || Date.now() + wait > opts.deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** The agent stopped the hook mid-submit: the server may hold a request nobody waits for. */
async function cancelOrphan(call: JsonCall, post: () => ReturnType<JsonCall>): Promise<void> {
  try {
    const request = asRequest((await post()).body);
    if (request.status === "pending") await call("POST", routes.cancel(request.id), { timeoutMs: 5000 });
  } catch {
    // Best effort: the request then expires on the server's own time.
  }
}
