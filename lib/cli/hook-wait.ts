/**
 * Waits for a person (or the policy) to decide a gate request: long polls until a decision or the
 * deadline, then cancels the request, so that nobody approves a command no longer waiting.
 */
import { asGateRequestView, MAX_WAIT_PER_CALL_SEC, routes, type GateRequestView } from "../hook/contract";
import { readRequest, type RequestReading } from "../hook/decision";
import { HttpError, type JsonCall } from "../hook/http";

/** The server may hold a GET this long past its `wait` before the hook counts it as gone. */
const GRACE_MS = 15_000;
/** Pause before polling again after a network error (the server restarting). */
const RETRY_MS = 1000;

export interface WaitOptions {
  /** Epoch ms after which the hook stops waiting. */
  deadline: number;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

async function fetchRequest(call: JsonCall, id: string, waitSec: number, signal?: AbortSignal): Promise<GateRequestView> {
  const reply = await call("GET", routes.request(id, waitSec), { timeoutMs: waitSec * 1000 + GRACE_MS, signal });
  const view = asGateRequestView(reply.body);
  if (!view) throw new Error(`the server answered with something that is not request ${id}`);
  return view;
}

export async function waitForDecision(call: JsonCall, first: GateRequestView, opts: WaitOptions): Promise<Exclude<RequestReading, { kind: "waiting" }>> {
  let request = first;
  for (;;) {
    const reading = readRequest(request);
    if (reading.kind !== "waiting") return reading;
    const left = opts.deadline - Date.now();
    if (left <= 0 || opts.signal?.aborted) break;
    try {
      request = await fetchRequest(call, request.id, Math.min(MAX_WAIT_PER_CALL_SEC, Math.ceil(left / 1000)), opts.signal);
    } catch (e) {
      if (opts.signal?.aborted) break;
      if (e instanceof HttpError) return { kind: "undecided", why: `${e.message} (${e.status})` };
      await sleep(Math.min(RETRY_MS, Math.max(0, opts.deadline - Date.now())), opts.signal);
    }
  }
  return cancel(call, request.id, opts.signal?.aborted ? "the agent stopped waiting" : "no decision in time");
}

/** Cancels a request no longer waited for; a decision that beat the cancel still counts. */
async function cancel(call: JsonCall, id: string, why: string): Promise<Exclude<RequestReading, { kind: "waiting" }>> {
  try {
    await call("POST", routes.cancel(id), { timeoutMs: 5000 });
    return { kind: "undecided", why: `${why}; request ${id} cancelled` };
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 409)) return { kind: "undecided", why: `${why}; cancelling request ${id} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  // 409: someone decided first. Read what they decided.
  try {
    const reading = readRequest(await fetchRequest(call, id, 0));
    return reading.kind === "waiting" ? { kind: "undecided", why: `${why}; request ${id} is still pending` } : reading;
  } catch (e) {
    return { kind: "undecided", why: `${why}; request ${id}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
