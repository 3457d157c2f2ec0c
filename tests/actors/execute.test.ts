import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LEASE_MS } from "../../lib/queue/lease";
import { reclaim } from "../../lib/queue/reclaim";
import { execution } from "../../lib/requests/lifecycle";
import { registerRequestQueueHooks } from "../../lib/requests/queue-hooks";
import { listEvents } from "../../lib/requests/read";
import { sql } from "../api/sql";
import { eventually } from "../support/eventually";
import { linesOf, world, type World } from "./harness";

// Reclaiming in this process (with injected time) must move requests as a worker would.
registerRequestQueueHooks();

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.stop();
});

/** The request's execution message(s). */
const executions = (requestId: string) => w.messages("execute_approved_command", requestId);

const trail = async (id: string) => (await listEvents(w.t.store, id)).map((e) => `${e.actor}:${e.fromStatus ?? ""}->${e.toStatus}`);

const jobWindows = async (session: string) =>
  (await w.server.tmux.exec(["list-windows", "-t", `=${session}`, "-F", "#{window_name}"])).split("\n").filter((n) => n.startsWith("job-"));

/** Pids whose command line mentions `text` (a job directory: the bash running its command file). */
function processesRunning(text: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);
}

describe("execute_approved_command", () => {
  it("runs an approved command in its session's new window: exit 0 is succeeded, with the output", async () => {
    const worker = w.worker();
    const r = await w.approved(`printf 'hello %s\\n' "$(whoami)" | tr a-z A-Z; pwd`);
    const done = await w.reaches(r.id, "succeeded");
    expect(done).toMatchObject({ exitCode: 0, outputTruncated: false, attempts: 1, lastError: null });
    expect(done.output).toMatch(/^HELLO \S+\n/);
    expect(done.output?.split("\n")[1]).toBe(w.server.dir);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);
    expect(await trail(r.id)).toEqual(["agent:agent-1:->pending", "alice:pending->queued", "worker:queued->running", "worker:running->succeeded"]);
    expect(await executions(r.id)).toEqual([]); // finished with the request's outcome: gone
    // The wrapper writes the exit code just before it exits and its window closes.
    await eventually(async () => (await jobWindows("agent-a")).length === 0, "the job's window to close");
    expect(await worker.stop()).toBe(0);
  });

  it("exit 3 is a result: failed with code 3 and the output, delivered, not retried", async () => {
    w.worker();
    const r = await w.approved("echo 'cannot build' >&2; exit 3");
    expect(await w.reaches(r.id, "failed")).toMatchObject({ exitCode: 3, output: "cannot build\n", attempts: 1, lastError: null });
    expect(await executions(r.id)).toEqual([]); // finished, not waiting for a retry
  });

  it("a command past the request's time limit is stopped and failed, with no exit code", async () => {
    w.worker();
    const r = await w.approved("echo started; sleep 60", { timeoutSec: 1 });
    const done = await w.reaches(r.id, "failed");
    expect(done).toMatchObject({ exitCode: null, output: "started\n" });
    expect(done.lastError).toBe("stopped at its time limit of 1 s");
    expect(await jobWindows("agent-a")).toEqual([]);
  });

  it("a request without a cwd runs where its session's pane is", async () => {
    w.worker();
    const r = await w.approved("pwd", { cwd: null });
    expect((await w.reaches(r.id, "succeeded")).output).toBe(`${w.server.dir}\n`);
  });

  it("a missing session is retried with backoff, then the request is dead with the error", async () => {
    w.worker();
    const r = await w.approved("echo never", { session: "missing" });
    const retrying = await eventually(async () => {
      const row = await w.request(r.id);
      return row.attempts === 1 && row.status === "queued" && row.lastError !== null && row;
    }, "the first failure recorded and a retry scheduled");
    expect(retrying.lastError).toMatch(/^TmuxError: tmux session "missing" does not exist on tmux socket "gh-test-\w+"$/);
    const [first] = await executions(r.id);
    expect(first).toMatchObject({ state: "ready", attempts: 1 });
    expect((await trail(r.id)).slice(-2)).toEqual(["worker:queued->running", "worker:running->queued"]);

    // Time is injected: the message as it is after 20 failed attempts, its last retry due now.
    await sql(w.t.store, "UPDATE messages SET attempts = max_retries, run_at = 0 WHERE id = ?", [first!.id]);
    const dead = await w.reaches(r.id, "dead");
    expect(dead.attempts).toBe(2);
    expect(dead.lastError).toMatch(/^retries_exhausted: TmuxError: tmux session "missing" does not exist on tmux socket "gh-test-\w+"$/);
    expect(await executions(r.id)).toMatchObject([{ state: "dead", deadReason: "retries_exhausted" }]);
  });

  it("with GATEHOUSE_CREATE_SESSIONS on, a missing session is created and the command runs in it", async () => {
    w.worker({ env: { GATEHOUSE_CREATE_SESSIONS: "1" } });
    const r = await w.approved("echo created", { session: "missing" });
    expect(await w.reaches(r.id, "succeeded")).toMatchObject({ exitCode: 0, output: "created\n", attempts: 1 });
    expect(await w.server.tmux.hasSession("missing")).toBe(true);
  });

  it("a worker killed mid-command leaves the request dead as interrupted; the command is stopped and never run again", async () => {
    const runs = path.join(w.server.dir, "runs");
    const victim = w.worker({ supervisor: false });
    const r = await w.approved(`echo run >> ${runs}; sleep 30`);
    await eventually(() => linesOf(runs).length === 1, "the command to start");
    victim.proc.kill("SIGKILL");
    await victim.exited;
    expect((await w.request(r.id)).status).toBe("running");

    // Time is injected: what any worker's maintenance does once the dead worker's lease ran out.
    expect((await reclaim(w.t.store, Date.now() + LEASE_MS + 1)).dead).toEqual([(await executions(r.id))[0]!.id]);
    const dead = await w.request(r.id);
    expect(dead.status).toBe("dead");
    expect(dead.lastError).toMatch(/^interrupted: /);
    expect((await trail(r.id)).at(-1)).toBe("worker:running->dead");

    // A new worker stops the orphaned command, delivers the dead notice, and runs nothing again.
    w.worker();
    await eventually(() => processesRunning(path.join(w.jobsDir, r.id)).length === 0, "the orphaned command to be stopped");
    const notice = await eventually(async () => (await w.inbox("agent-a")).find((e) => e.text.includes(`${r.id} is dead`)), "the dead notice");
    expect(notice.text).toContain("(interrupted: The lease ran out");
    expect(notice.text).toContain("a supervisor can requeue it");
    expect(linesOf(runs)).toEqual(["run"]);
    expect(await executions(r.id)).toMatchObject([{ state: "dead", deadReason: "interrupted", attempts: 1 }]);
  });

  it("a worker stopped mid-command stops the command too, and the request is dead as interrupted", async () => {
    const marker = path.join(w.server.dir, "still-running");
    const worker = w.worker({ supervisor: false });
    // The loop would write the marker every 0.1 s for as long as the command lives; it ignores SIGTERM.
    const r = await w.approved(`trap '' TERM HUP; while true; do date +%s%N > ${marker}; sleep 0.1; done`);
    await eventually(() => linesOf(marker).length === 1, "the command to start");
    expect(await worker.stop()).toBe(0); // GATEHOUSE_GRACE_MS=0: gives the message up at once
    const dead = await w.request(r.id);
    expect(dead.status).toBe("dead");
    expect(dead.lastError).toMatch(/^interrupted: /);
    await eventually(async () => (await jobWindows("agent-a")).length === 0, "the job's window to close");
    await eventually(() => processesRunning(path.join(w.jobsDir, r.id)).length === 0, "the command's processes to end");
  });

  it("a second execution message for the same request does not run it again", async () => {
    const runs = path.join(w.server.dir, "runs");
    const r = await w.approved(`echo run >> ${runs}`);
    await w.t.store.enqueue([execution(r, Date.now())]); // as when a request is requeued twice over
    w.worker();
    await w.reaches(r.id, "succeeded");
    await eventually(async () => (await executions(r.id)).length === 0, "both messages finished");
    expect(linesOf(runs)).toEqual(["run"]);
  });
});

describe("per-session serialization", () => {
  /** A command that logs its start and end, and waits for `gate` (a file) in between. */
  const gated = (log: string, name: string, gate: string) =>
    `echo start-${name} >> ${log}; while [ ! -e ${gate} ]; do sleep 0.02; done; echo end-${name} >> ${log}`;

  it("runs one command at a time per session, and different sessions at the same time", async () => {
    const log = path.join(w.server.dir, "log");
    const gate = path.join(w.server.dir, "gate");
    w.worker({ args: ["--processes", "2", "--concurrency", "4"] });
    const a1 = await w.approved(gated(log, "a1", gate), { session: "agent-a" });
    const a2 = await w.approved(gated(log, "a2", gate), { session: "agent-a" });
    const b1 = await w.approved(gated(log, "b1", gate), { session: "agent-b" });
    // b1 starts while a1 still runs: sessions run in parallel.
    await eventually(() => linesOf(log).length === 2, "a1 and b1 to start");
    expect(linesOf(log).sort()).toEqual(["start-a1", "start-b1"]);
    expect((await w.request(a2.id)).status).toBe("queued");
    writeFileSync(gate, "");
    await Promise.all([a1, a2, b1].map((r) => w.reaches(r.id, "succeeded")));
    const order = linesOf(log).filter((l) => l.endsWith("a1") || l.endsWith("a2"));
    expect(order).toEqual(["start-a1", "end-a1", "start-a2", "end-a2"]);
  });

  it("GATEHOUSE_SESSION_CONCURRENCY=2 lets two commands of one session run at once", async () => {
    const log = path.join(w.server.dir, "log");
    const gate = path.join(w.server.dir, "gate");
    w.worker({ env: { GATEHOUSE_SESSION_CONCURRENCY: "2" }, args: ["--concurrency", "4"] });
    const both = [await w.approved(gated(log, "a1", gate)), await w.approved(gated(log, "a2", gate))];
    await eventually(() => linesOf(log).length === 2, "both commands of agent-a to start");
    writeFileSync(gate, "");
    await Promise.all(both.map((r) => w.reaches(r.id, "succeeded")));
  });
});
