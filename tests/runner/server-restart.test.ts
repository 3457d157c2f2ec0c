import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { startApp, type RunningApp } from "../support/next-server";
import { hosts, type Hosts } from "./harness";
import { JOURNAL, waitingIn } from "../../lib/runner/outbox";
import type { Report } from "../../lib/runners/protocol";

// A lease longer than the server's stop and start on a loaded machine.
const env = { GATEHOUSE_TMUX_SOCKET: `gh-test-none-${process.pid}`, GATEHOUSE_RUNNER_LEASE_SEC: "90" };

/** The reports waiting in a runner's outbox, read without touching it (the runner has it open). */
function outbox(dir: string): Report[] {
  try {
    return [...waitingIn(readFileSync(path.join(dir, "outbox", JOURNAL), "utf8")).values()];
  } catch {
    return [];
  }
}

describe("the server stopped and started again while a runner holds a lease", () => {
  let h: Hosts;
  let restarted: RunningApp | undefined;
  beforeAll(async () => {
    h = await hosts(env);
  }, 180_000);
  afterAll(async () => {
    await restarted?.stop();
    await h?.close();
  });

  it("keeps the result on disk while the server is away, sends it until it is taken, and records it once", { timeout: 150_000 }, async () => {
    const go = path.join(h.a.server.dir, "go");
    const id = await h.approved(`while [ ! -e ${go} ]; do sleep 0.1; done; echo finished-while-away`);
    await h.reaches(id, "running");
    await h.api.app.stop();
    // The command ends while the server is down: its report waits in the runner's outbox.
    writeFileSync(go, "");
    // (Beside it there may be the report of the "approved" notice, which waits a moment to go with a command's.)
    const finished = () => outbox(h.a.dataDir).find((r) => r.outcome.kind === "finished");
    await eventually(() => finished() !== undefined, "the command's report in host a's outbox", 30_000);
    const report = finished()!;
    await h.a.printed(/report not accepted yet/);

    restarted = await startApp({ ...h.api.env, ...env }, h.api.app.port);
    const done = await h.reaches(id, "succeeded", 40_000);
    expect(done.output).toContain("finished-while-away");
    expect(done.attempts).toBe(1);
    await eventually(() => outbox(h.a.dataDir).length === 0, "the outbox to empty once the report is taken");

    // The same report again (a retry whose answer was lost) records nothing more.
    const again = await fetch(`${restarted.url}/api/runner/report`, {
      method: "POST",
      headers: { authorization: `Bearer ${h.tokens.a}`, "content-type": "application/json" },
      body: JSON.stringify(report),
    });
    expect(await again.json()).toMatchObject({ recorded: false, jobs: [] });
    const events = await h.api.call("GET", `/api/requests/${id}/events`, { token: h.api.tokens.alice });
    expect((events.body.items as { to: string }[]).filter((e) => e.to === "succeeded")).toHaveLength(1);

    // And the runner goes on with new work through the restarted server.
    const next = await h.approved("echo after-restart");
    expect((await h.reaches(next, "succeeded")).output).toContain("after-restart");
  });
});
