// A runner of this version against a server of the one before, which refuses a claim for notices
// alone (`limit: 0`, a 422 there): the runner says so once, goes on waiting for a free slot as that
// version's runners did, and runs and reports its commands as before. The server is a stand-in
// speaking that version's protocol; the runner is the real process, with its own tmux server.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { runnerHost, type RunnerHost } from "../support/runner-process";

interface Call {
  path: string;
  body: { limit?: number; reports?: { id: number; outcome: { kind: string; exitCode?: number } }[] };
}

async function bodyOf(req: IncomingMessage): Promise<Call["body"]> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as Call["body"]) : {};
}

describe("a runner against a server that cannot hand out notices alone", () => {
  const calls: Call[] = [];
  let server: Server;
  let host: RunnerHost;
  let root: string;
  let given = false;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "gh-older-server-"));
    host = await runnerHost("host-old", ["old-s"], root);
    server = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        calls.push({ path: req.url ?? "", body });
        const json = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
        if (req.url === "/api/runner/heartbeat") return json(200, { held: given ? [{ id: 1, leaseToken: "lease-1" }] : [], leaseMs: 30_000 });
        if (req.url === "/api/runner/report") return json(200, { recorded: (body.reports ?? []).map(() => true), jobs: [], leaseMs: 30_000 });
        if (req.url !== "/api/runner/claim") return json(404, { error: { code: "not_found", message: "no such route" } });
        if (body.limit === 0) return json(422, { error: { code: "invalid_request", message: "limit: Too small: expected number to be >=1" } });
        if (given) return setTimeout(() => json(200, { jobs: [], leaseMs: 30_000 }), 500);
        given = true;
        const job = { kind: "command", id: 1, leaseToken: "lease-1", requestId: "01OLDSERVERJOB", session: "old-s", command: "sleep 2.5; echo done", cwd: host.server.dir, timeoutSec: 60 };
        return json(200, { jobs: [job], leaseMs: 30_000 });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("no port");
    await host.start(`http://127.0.0.1:${address.port}`, "ghr_older", { args: ["--concurrency", "1"] });
  }, 120_000);

  afterAll(async () => {
    await host?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it("says so once, waits for its slot instead, and still runs and reports its command", async () => {
    await host.printed(/cannot hand out notices alone/);
    const report = await eventually(
      () => calls.find((c) => c.path === "/api/runner/report" && c.body.reports?.some((r) => r.id === 1))?.body.reports?.[0],
      "the command's report",
    );
    expect(report.outcome).toMatchObject({ kind: "finished", exitCode: 0 });
    // Asked for commands again once its slot was free, and for notices alone only the once.
    await eventually(() => calls.filter((c) => c.path === "/api/runner/claim" && c.body.limit === 1).length >= 2, "a claim after the report");
    expect(calls.filter((c) => c.path === "/api/runner/claim" && c.body.limit === 0)).toHaveLength(1);
    expect(host.output().match(/cannot hand out notices alone/g)).toHaveLength(1);
  });
});
