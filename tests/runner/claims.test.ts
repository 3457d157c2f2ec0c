// The store's side of runners, on the store under test: who may claim which session's messages,
// the group limit across the local worker and a runner, heartbeats and leases.
import { describe, expect, it } from "vitest";
import { createRunner, revokeRunner } from "../../lib/auth/runners";
import { claim } from "../../lib/queue/claim";
import { enqueueMany } from "../../lib/queue/enqueue";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
const NOW = 1_700_000_000_000;

const commands = (session: string, n = 1) =>
  enqueueMany(t.store, Array.from({ length: n }, (_, i) => ({ actor: "noop", payload: `${session} ${i}`, groupKey: session, now: NOW })));
const runnerClaim = (runnerId: string, limit = 10, groupLimit = 1) =>
  t.store.claimForRunner(runnerId, { token: `token-${runnerId}`, limit, groupLimit, leaseMs: 30_000, now: NOW });

describe("runners in the store", () => {
  it("a runner's sessions are its alone: the local worker skips their commands and notices, the runner takes only its own", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a"] }, NOW);
    await commands("s-a");
    await commands("notify:s-a");
    await commands("s-local");
    expect((await claim(t.store, { workerId: "w1", limit: 10, now: NOW })).map((m) => m.payload)).toEqual(["s-local 0"]);
    expect((await runnerClaim("host-a")).map((m) => m.payload).sort()).toEqual(['"notify:s-a 0"', '"s-a 0"']);
    expect(await runnerClaim("host-a")).toEqual([]);
  });

  it("a revoked runner's sessions go back to the local worker", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a"] }, NOW);
    await commands("s-a");
    await revokeRunner(t.store, "host-a", NOW);
    expect(await runnerClaim("host-a")).toEqual([]);
    expect((await claim(t.store, { workerId: "w1", limit: 10, now: NOW })).map((m) => m.payload)).toEqual(["s-a 0"]);
    expect((await t.store.listRunners()).map((r) => [r.id, r.revokedAt])).toEqual([["host-a", NOW]]);
  });

  it("holds the group limit: one command at a time per session, the next once the first is done", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a"] }, NOW);
    await commands("s-a", 3);
    const [first, ...rest] = await runnerClaim("host-a");
    expect(rest).toEqual([]);
    expect(first?.payload).toBe('"s-a 0"');
    expect(await runnerClaim("host-a")).toEqual([]);
    expect(await t.store.completeMany([first!], NOW)).toBe(1);
    expect((await runnerClaim("host-a", 10, 2)).map((m) => m.payload)).toEqual(['"s-a 1"']);
  });

  it("takes each group's first due message by priority, and the groups' firsts in priority order", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a", "s-b", "s-c"] }, NOW);
    const put = (groupKey: string, payload: string, extra: { priority?: "LOW" | "HIGH"; delayMs?: number } = {}) =>
      enqueueMany(t.store, [{ actor: "noop", payload, groupKey, now: NOW, ...extra }]);
    await put("s-a", "a normal");
    await put("s-a", "a high", { priority: "HIGH" });
    await put("s-b", "b later", { priority: "HIGH", delayMs: 60_000 });
    await put("s-b", "b low", { priority: "LOW" });
    await put("s-c", "c normal");
    expect((await runnerClaim("host-a", 2)).map((m) => m.payload)).toEqual(['"a high"', '"c normal"']);
    expect((await runnerClaim("host-a")).map((m) => m.payload)).toEqual(['"b low"']);
    expect(await runnerClaim("host-a")).toEqual([]);
  });

  it("with no group rule, takes every due message of the asked groups, in priority then id order", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a", "s-b"] }, NOW);
    const put = (groupKey: string, payload: string, extra: { priority?: "HIGH"; delayMs?: number } = {}) =>
      enqueueMany(t.store, [{ actor: "noop", payload, groupKey, now: NOW, ...extra }]);
    await put("notify:s-a", "a 1");
    await put("notify:s-b", "b 1");
    await put("notify:s-a", "a 2");
    await put("notify:s-a", "a later", { delayMs: 60_000 });
    await put("notify:s-b", "b urgent", { priority: "HIGH" });
    await put("s-a", "a command");
    const all = (limit: number) =>
      t.store.claimForRunner("host-a", { token: "t", limit, groupLimit: null, groups: ["notify:s-a", "notify:s-b"], leaseMs: 30_000, now: NOW });
    expect((await all(3)).map((m) => m.payload)).toEqual(['"b urgent"', '"a 1"', '"b 1"']);
    // Another of a group already leased is taken all the same: there is no group rule.
    expect((await all(10)).map((m) => m.payload)).toEqual(['"a 2"']);
    expect(await all(10)).toEqual([]);
    expect((await runnerClaim("host-a")).map((m) => m.payload)).toEqual(['"a command"']);
  });

  it("writes nothing when nothing is due: a waiting claim checked every second takes no transaction", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a"] }, NOW);
    await commands("s-a", 2);
    const [first] = await runnerClaim("host-a", 10, 1);
    expect(first?.payload).toBe('"s-a 0"');
    const later = (ms: number, groupLimit: number | null, groups?: string[]) =>
      t.store.claimForRunner("host-a", { token: "t", limit: 10, groupLimit, groups, leaseMs: 30_000, now: NOW + ms });
    // The session's next command waits behind its running one; there is no notice.
    expect(await later(1_000, 1)).toEqual([]);
    expect(await later(2_000, null, ["notify:s-a"])).toEqual([]);
    expect((await t.store.listRunners())[0]?.lastSeenAt).toBe(NOW);
  });

  it("refuses a session another runner has, and a name in use, writing nothing", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a"] }, NOW);
    await expect(createRunner(t.store, { id: "host-b", sessions: ["s-b", "s-a"] }, NOW)).rejects.toThrow(/s-a/);
    await expect(createRunner(t.store, { id: "host-a", sessions: ["s-c"] }, NOW)).rejects.toThrow(/already exists/);
    expect((await t.store.listRunners()).map((r) => r.id)).toEqual(["host-a"]);
    await createRunner(t.store, { id: "host-b", sessions: ["s-b"] }, NOW);
  });

  it("a heartbeat extends the runner's leases and lists them; a lease is the runner's only with its token", async () => {
    await createRunner(t.store, { id: "host-a", sessions: ["s-a"] }, NOW);
    await createRunner(t.store, { id: "host-b", sessions: ["s-b"] }, NOW);
    await commands("s-a");
    const [m] = await runnerClaim("host-a");
    const lease = { id: m!.id, leaseToken: m!.leaseToken };
    expect(await t.store.runnerHeartbeat("host-a", NOW + 1000, 30_000)).toEqual([lease]);
    expect(await t.store.runnerHeartbeat("host-b", NOW + 1000, 30_000)).toEqual([]);
    expect((await t.store.runnerLease("host-a", lease))?.actor).toBe("noop");
    expect(await t.store.runnerLease("host-b", lease)).toBeUndefined();
    expect(await t.store.runnerLease("host-a", { id: lease.id, leaseToken: "guess" })).toBeUndefined();
    const [record] = await t.store.listRunners();
    expect([record?.lastSeenAt, record?.leased]).toEqual([NOW + 1000, 1]);
  });
});
