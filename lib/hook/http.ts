/**
 * The hook's HTTP client: node:http(s) rather than fetch, because loading fetch (undici) costs a
 * short-lived process ~20 ms of its start, and the hook runs before every command.
 */
import type { IncomingMessage } from "node:http";
import { builtin } from "./builtin";

/** An answer other than 2xx, with the API's error code and message when the body has them. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface JsonReply {
  status: number;
  body: unknown;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Gives up (rejects) after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

function errorOf(status: number, body: unknown, res: IncomingMessage): HttpError {
  const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const retry = Number(res.headers["retry-after"]);
  return new HttpError(
    status,
    typeof err?.code === "string" ? err.code : `http_${status}`,
    typeof err?.message === "string" ? err.message : `the server answered ${status}`,
    Number.isFinite(retry) ? retry : undefined,
  );
}

/** Makes JSON calls to one server with one bearer token. */
export function jsonClient(baseUrl: string, token: string) {
  const base = new URL(baseUrl);
  return async function call(method: string, path: string, opts: CallOptions): Promise<JsonReply> {
    // Loaded at the first call: a hook that answers nothing never pays for them.
    const { request } =
      base.protocol === "https:" ? await builtin<typeof import("node:https")>("node:https") : await builtin<typeof import("node:http")>("node:http");
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, base),
        {
          method,
          signal: opts.signal,
          timeout: opts.timeoutMs,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
            ...opts.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown = null;
            try {
              body = text ? JSON.parse(text) : null;
            } catch {
              // Not JSON (a proxy's error page): the status says enough.
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve({ status, body });
            else reject(errorOf(status, body, res));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer from ${base.origin} within ${Math.round(opts.timeoutMs / 1000)} s`)));
      req.on("error", reject);
      req.end(payload);
    });
  };
}

export type JsonCall = ReturnType<typeof jsonClient>;
