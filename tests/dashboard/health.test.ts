import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config";
import type { Runner } from "../../lib/db/rows";
import type { Store } from "../../lib/db/store";
import { health } from "../../lib/dashboard/health";
import { prometheusMetrics } from "../../lib/dashboard/metrics";
import { ruleMatchCounts } from "../../lib/dashboard/rule-matches";
import { LEASE_MS, WORKER_STALE_MS } from "../../lib/queue/lease";
import { enqueue } from "../../lib/queue/enqueue";
import { addRule, listRules } from "../../lib/requests/rules";
import { agent, submit } from "../requests/fixtures";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
let db: Store;
beforeEach(() => {
  db = t.store;
  // A socket no tmux server listens on: tmux reads as unreachable without touching anyone's server.
  process.env.GATEHOUSE_TMUX_SOCKET = `gatehouse-nobody-${process.pid}`;
  resetConfig();
});
afterEach(() => {
  delete process.env.GATEHOUSE_TMUX_SOCKET;
  resetConfig();
});

/** A worker record on host `host`, pid 1, started a second before its last heartbeat. */
async function worker(id: string, heartbeatAt: number, actors: string[]) {
  await db.registerWorker({ id, host: "host", pid: 1, queues: [], actors, concurrency: 15, startedAt: heartbeatAt - 1000 });
  await db.heartbeat(id, { inFlight: 0, processed: 0, failed: 0 }, heartbeatAt, LEASE_MS);
}

describe("health", () => {
  it("shows a worker with a stale heartbeat as down and names actors that no live worker handles", async () => {
    const now = Date.now();
    await worker("fresh", now - 1000, ["noop"]);
    await worker("stale", now - WORKER_STALE_MS - 1, ["execute_approved_command"]);
    await enqueue(db, "execute_approved_command", { requestId: "r1" }, { now });

    const h = await health(db, now);
    expect(Object.fromEntries(h.workers.map((w) => [w.id, w.state]))).toEqual({ fresh: "up", stale: "down" });
    const commands = h.queues.find((q) => q.queue === "commands")!;
    expect(commands).toMatchObject({ ready: 1, actorsWithoutConsumer: ["execute_approved_command"] });
    expect(h.tmux.reachable).toBe(false);
    expect(h.ok).toBe(false);
    expect(h.problems.join(" ")).toMatch(/no live worker handles it/);
    expect(h.db.ok).toBe(true);
    expect(h.db.sizeBytes).toBeGreaterThan(0);
  });

  it("counts an unreachable tmux as down only while some agent's session is run on this host", async () => {
    const now = Date.now();
    await worker("w1", now - 1000, ["noop", "execute_approved_command", "notify_session", "deliver_webhook"]);
    await agent(db, "remote-agent", { sessions: ["remote-session"] });
    const runner: Runner = { id: "build-host", tokenHash: "x".repeat(64), sessions: '["remote-session"]', createdAt: now, lastSeenAt: now, revokedAt: null };
    expect(await db.insertRunner(runner, ["remote-session"])).toEqual({ ok: true });

    const onRunner = await health(db, now);
    expect(onRunner.tmux).toMatchObject({ reachable: false, localSessions: [] });
    expect(onRunner.problems).toEqual([]);
    expect(onRunner.ok).toBe(true);

    await db.revokeRunner("build-host", now);
    const local = await health(db, now);
    expect(local.tmux.localSessions).toEqual(["remote-session"]);
    expect(local.problems.join(" ")).toMatch(/tmux is not reachable/);
    expect(local.ok).toBe(false);
  });

  it("turns into Prometheus text with one sample per worker, queue and status", async () => {
    const now = Date.now();
    await worker("w1", now, ["noop"]);
    await submit(db, await agent(db), { command: "make" });
    const text = await prometheusMetrics(db, await health(db, now), now);
    expect(text).toContain('gatehouse_requests{status="pending"} 1');
    expect(text).toContain('gatehouse_worker_up{worker="w1",host="host",pid="1"} 1');
    expect(text).toContain("gatehouse_tmux_up 0");
    expect(text).toMatch(/# TYPE gatehouse_queue_messages gauge/);
  });
});

describe("rule match counts", () => {
  it("count past requests each rule would have matched, as the policy reads rules", async () => {
    const a = await agent(db);
    for (const command of ["npm test", "npm test -- --watch", "npm run build && sudo rm -rf x", "git status"]) await submit(db, a, { command });
    // Distinct times: ids made in the same millisecond do not sort in creation order.
    const now = Date.now();
    await addRule(db, { kind: "allow", pattern: "npm test*" }, "root", now);
    await addRule(db, { kind: "allow", pattern: "npm run build*" }, "root", now + 1); // a wildcard allow never covers a chain
    await addRule(db, { kind: "allow", pattern: "git status", agentId: "someone-else" }, "root", now + 2);
    const rules = (await listRules(db)).filter((r) => r.createdBy === "root");
    const { counts, window } = await ruleMatchCounts(db, rules);
    expect(window).toBe(4);
    expect(rules.map((r) => counts.get(r.id))).toEqual([2, 0, 0]);
    const sudo = (await listRules(db)).find((r) => r.kind === "deny" && r.pattern === "sudo *");
    expect(sudo && (await ruleMatchCounts(db, [sudo])).counts.get(sudo.id)).toBe(1);
  });
});
