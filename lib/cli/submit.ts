import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { ApiError } from "../http/errors";
import type { ApiRequest } from "../requests/present";
import { PRIORITIES } from "../requests/statuses";
import { option, shellJoin, UsageError, type Args } from "./args";

/** Exit code when the request ended without running: rejected, expired, cancelled, dead. */
export const EXIT_REFUSED = 2;
/** Exit code when the server could not be reached or refused the call (sysexits' EX_UNAVAILABLE). */
export const EXIT_UNAVAILABLE = 69;
/** Exit code of a command stopped by its time limit, as `timeout(1)` uses. */
export const EXIT_TIMED_OUT = 124;

const DONE = new Set(["succeeded", "failed", "rejected", "expired", "cancelled", "dead"]);

export interface SubmitIo {
  env: NodeJS.ProcessEnv;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Aborts when the user presses Ctrl-C: a pending request is then cancelled. */
  signal?: AbortSignal;
}

/** The tmux session this process runs in (the pane's own, when tmux says which pane we are). */
async function currentSession(env: NodeJS.ProcessEnv): Promise<string> {
  if (!env.TMUX) throw new UsageError("not inside tmux: pass --session NAME");
  const target = env.TMUX_PANE ? ["-t", env.TMUX_PANE] : [];
  const { stdout } = await promisify(execFile)("tmux", ["display-message", "-p", ...target, "#S"], { env, timeout: 5000 });
  const name = stdout.trim();
  if (!name) throw new UsageError("tmux did not say which session this is: pass --session NAME");
  return name;
}

function client(env: NodeJS.ProcessEnv) {
  const base = (env.GATEHOUSE_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
  const token = env.GATEHOUSE_TOKEN;
  if (!token) throw new UsageError("set GATEHOUSE_TOKEN to this agent's token (from `gatehouse agent add`)");
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json().catch(() => null)) as unknown;
      // Over the agent's rate limit: wait as told (the Idempotency-Key keeps a retried POST single).
      if (res.status === 429 && attempt < 10) {
        await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get("retry-after")) || 1, 60) * 1000));
        continue;
      }
      if (!res.ok) throw ApiError.fromBody(res.status, json);
      return json as ApiRequest;
    }
  };
}

/** Retries network failures (not HTTP answers) a few times, so a web restart is survivable. */
async function withRetries<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApiError || attempt >= 30 || signal?.aborted) throw err;
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5000)));
    }
  }
}

/**
 * `gatehouse submit [--session S] [--priority P] [--reason R] [--no-wait] -- COMMAND...`: asks,
 * waits for the end, prints the output and exits with the command's exit code, so it drops in
 * where a script used to type into tmux itself.
 */
export async function submit(args: Args, io: SubmitIo): Promise<number> {
  const words = args.rest.length ? args.rest : args.positional;
  if (!words.length) throw new UsageError("usage: gatehouse submit [--session S] [--priority P] [--reason R] [--no-wait] -- COMMAND...");
  const priority = option(args, "priority")?.toUpperCase() ?? "NORMAL";
  if (!(PRIORITIES as readonly string[]).includes(priority)) throw new UsageError(`--priority must be one of ${PRIORITIES.join(", ")}`);
  const call = client(io.env);
  const session = option(args, "session") ?? (await currentSession(io.env));
  const body = {
    session,
    // One word is a command line as written; several are quoted so that each stays one word.
    command: words.length === 1 ? words[0] : shellJoin(words),
    priority,
    reason: option(args, "reason"),
    cwd: process.cwd(),
  };
  const idempotencyKey = `cli-${randomUUID()}`; // a retried POST never makes a second request
  try {
    let request = await withRetries(() => call("POST", "/api/requests", body, { "idempotency-key": idempotencyKey }), io.signal);
    if (args.options.get("no-wait") === true) {
      io.out(request.id);
      return 0;
    }
    if (request.status === "pending") io.err(`gatehouse: request ${request.id} is waiting for approval`);
    while (!DONE.has(request.status)) {
      if (io.signal?.aborted) {
        if (request.status === "pending") await call("POST", `/api/requests/${request.id}/cancel`).catch(() => undefined);
        io.err(`gatehouse: stopped waiting for request ${request.id} (${request.status})`);
        return 130;
      }
      const id = request.id;
      request = await withRetries(() => call("GET", `/api/requests/${id}?wait=60`), io.signal).catch((err: unknown) => {
        if (io.signal?.aborted) return request;
        throw err;
      });
    }
    return finish(request, io);
  } catch (err) {
    if (err instanceof ApiError) {
      io.err(`gatehouse: ${err.message} (${err.status})`);
      return EXIT_UNAVAILABLE;
    }
    if (err instanceof UsageError) throw err;
    io.err(`gatehouse: cannot reach ${io.env.GATEHOUSE_URL ?? "http://127.0.0.1:3000"}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_UNAVAILABLE;
  }
}

function finish(request: ApiRequest, io: SubmitIo): number {
  if (request.status === "succeeded" || request.status === "failed") {
    if (request.output) io.out(request.output.endsWith("\n") ? request.output.slice(0, -1) : request.output);
    if (request.outputTruncated) io.err("gatehouse: the output was cut to the server's limit");
    if (request.exitCode !== null) return request.exitCode;
    io.err(`gatehouse: ${request.lastError ?? "the command did not finish"}`);
    return EXIT_TIMED_OUT;
  }
  const why = request.decision?.comment ?? request.lastError;
  io.err(`gatehouse: request ${request.id} was ${request.status}${request.decision ? ` by ${request.decision.by}` : ""}${why ? `: ${why}` : ""}`);
  return EXIT_REFUSED;
}
