// The runner's side of /api/runner/…: plain HTTP(S) with the runner's bearer token. Answers are
// checked against lib/runners/protocol, as the server checks what it is sent.
import { parse } from "zod/v4/core";
import { claimReply, heartbeatReply, reportReply, type Report, type RunnerJob } from "../runners/protocol";
import type { Lease } from "../db/store";

/** An answer other than 2xx: `status` 0 when the server could not be reached at all. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ServerError";
  }
}

type Transport = typeof import("node:http");

/**
 * A call the server leaves silent this long (beyond a long-poll's own wait) fails, and the runner
 * tries it again: a connection that died without a word (a partition, a host gone, a NAT that
 * forgot it) would otherwise hold a heartbeat or a claim until TCP gives up, ~15 minutes.
 */
const SILENCE_MS = 15_000;

export class RunnerClient {
  private transport: Promise<Transport> | undefined;
  /** Kept-alive connections: a runner talks to one server all day. */
  private agent: import("node:http").Agent | undefined;

  constructor(
    private readonly server: string,
    private readonly token: string,
    private readonly silenceMs = SILENCE_MS,
  ) {}

  // node:http rather than fetch: undici alone would add ~10 MB to every runner (runner_rss_mb).
  // node:https (and TLS) is loaded only for an https:// server.
  private async http(): Promise<Transport> {
    this.transport ??= (new URL(this.server).protocol === "https:" ? import("node:https") : import("node:http")) as Promise<Transport>;
    const transport = await this.transport;
    this.agent ??= new transport.Agent({ keepAlive: true });
    return transport;
  }

  /** `waitMs`: how long the server may rightly stay silent first (a long-poll's wait). */
  private async post(path: string, body: unknown, opts: { signal?: AbortSignal; waitMs?: number } = {}): Promise<unknown> {
    const { signal, waitMs = 0 } = opts;
    const transport = await this.http();
    const payload = JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(
        new URL(path, this.server),
        {
          method: "POST",
          agent: this.agent,
          signal,
          headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", (e) => reject(signal?.aborted || e instanceof ServerError ? e : new ServerError(0, `${this.server} cannot be reached: ${e.message}`)));
      req.setTimeout(waitMs + this.silenceMs, () => req.destroy(new ServerError(0, `${path}: no answer from ${this.server} in ${(waitMs + this.silenceMs) / 1000} s`)));
      req.end(payload);
    });
    if (status === 204) return null;
    if (status < 200 || status >= 300) {
      const message = (() => {
        try {
          return (JSON.parse(text) as { error?: { message?: string } }).error?.message;
        } catch {
          return undefined;
        }
      })();
      throw new ServerError(status, `${path}: ${status} ${message ?? text.slice(0, 200)}`);
    }
    return JSON.parse(text) as unknown;
  }

  /** Held by the server up to `waitSec` while there is nothing to do. */
  async claim(limit: number, waitSec: number, signal: AbortSignal): Promise<{ jobs: RunnerJob[]; leaseMs: number }> {
    return parse(claimReply, await this.post("/api/runner/claim", { limit, wait: waitSec }, { signal, waitMs: waitSec * 1000 }));
  }

  async heartbeat(): Promise<{ held: Lease[]; leaseMs: number }> {
    return parse(heartbeatReply, await this.post("/api/runner/heartbeat", {}));
  }

  async output(lease: Lease, offset: number, data: Buffer): Promise<void> {
    await this.post("/api/runner/output", { id: lease.id, leaseToken: lease.leaseToken, offset, data: data.toString("base64") });
  }

  /** Several reports in one call (each recorded on its own); `claim`: up to that many jobs wanted in the answer. */
  async report(reports: readonly Report[], claim = 0): Promise<{ recorded: boolean[]; jobs: RunnerJob[]; leaseMs: number }> {
    const reply = parse(reportReply, await this.post("/api/runner/report", { reports, claim }));
    return { ...reply, recorded: typeof reply.recorded === "boolean" ? [reply.recorded] : reply.recorded };
  }
}
