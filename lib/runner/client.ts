// The runner's side of /api/runner/…: plain fetch with the runner's bearer token. Answers are
// checked against lib/runners/protocol, as the server checks what it is sent.
import { parse } from "zod/v4/core";
import { claimReply, heartbeatReply, reportReply, type Outcome, type RunnerJob } from "../runners/protocol";
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

export class RunnerClient {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.server), {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new ServerError(0, `${this.server} cannot be reached: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`);
    }
    if (res.status === 204) return null;
    const text = await res.text();
    if (!res.ok) {
      const message = (() => {
        try {
          return (JSON.parse(text) as { error?: { message?: string } }).error?.message;
        } catch {
          return undefined;
        }
      })();
      throw new ServerError(res.status, `${path}: ${res.status} ${message ?? text.slice(0, 200)}`);
    }
    return JSON.parse(text) as unknown;
  }

  /** Held by the server up to `waitSec` while there is nothing to do. */
  async claim(limit: number, waitSec: number, signal: AbortSignal): Promise<{ jobs: RunnerJob[]; leaseMs: number }> {
    return parse(claimReply, await this.post("/api/runner/claim", { limit, wait: waitSec }, signal));
  }

  async heartbeat(): Promise<{ held: Lease[]; leaseMs: number }> {
    return parse(heartbeatReply, await this.post("/api/runner/heartbeat", {}));
  }

  async output(lease: Lease, offset: number, data: Buffer): Promise<void> {
    await this.post("/api/runner/output", { id: lease.id, leaseToken: lease.leaseToken, offset, data: data.toString("base64") });
  }

  async report(lease: Lease, outcome: Outcome): Promise<boolean> {
    return parse(reportReply, await this.post("/api/runner/report", { id: lease.id, leaseToken: lease.leaseToken, outcome })).recorded;
  }
}
