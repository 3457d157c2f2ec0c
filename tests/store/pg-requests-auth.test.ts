import { describe, expect, it } from "vitest";
import type { Agent, User } from "@/lib/db/rows";
import { connectPg } from "@/lib/db/postgres/client";
import { authStore } from "@/lib/db/postgres/auth-store";
import { onPostgres, usePg } from "./pg-requests-fixture";

const agent = (id: string, createdAt: number): Agent => ({ id, tokenHash: `hash-${id}`, sessions: '["s1"]', autoApprove: true, createdAt });
const user = (id: string, name: string, role: User["role"] = "supervisor"): User => ({
  id,
  name,
  role,
  passwordHash: "scrypt$…",
  tokenHash: null,
  createdAt: 1,
});

describe.skipIf(!onPostgres)("PostgreSQL authStore", () => {
  const pg = usePg();

  it("inserts agents once and finds them by token hash", async () => {
    const store = authStore(pg());
    expect(await store.insertAgent(agent("b", 2))).toBe(true);
    expect(await store.insertAgent(agent("a", 1))).toBe(true);
    expect(await store.insertAgent({ ...agent("a", 3), tokenHash: "other" })).toBe(false);
    expect(await store.agentByTokenHash("hash-a")).toEqual({ ...agent("a", 1), configVersion: 0 });
    expect(await store.agentByTokenHash("nope")).toBeUndefined();
    expect((await store.listAgents()).map((a) => a.id)).toEqual(["a", "b"]);
  });

  it("inserts users unless the name is taken, sets token hashes and tells whether an admin exists", async () => {
    const store = authStore(pg());
    expect(await store.hasAdmin()).toBe(false);
    expect(await store.insertUser(user("u1", "alice"))).toEqual(user("u1", "alice"));
    expect(await store.insertUser(user("u2", "alice"))).toBeUndefined();
    expect(await store.setUserTokenHash("u1", "th")).toBe(true);
    expect(await store.setUserTokenHash("nobody", "th2")).toBe(false);
    expect(await store.userByTokenHash("th")).toEqual({ ...user("u1", "alice"), tokenHash: "th" });
    expect(await store.userByName("alice")).toMatchObject({ id: "u1" });
    expect(await store.userByName("bob")).toBeUndefined();
    await store.insertUser(user("u3", "root", "admin"));
    expect(await store.hasAdmin()).toBe(true);
  });

  it("keeps the first value written to a meta key, whoever races for it", async () => {
    const pools = Array.from({ length: 4 }, () => connectPg(pg().url, { poolSize: 1, statementTimeoutMs: 30_000 }));
    try {
      const values = await Promise.all(pools.map((p, i) => authStore(p).metaValue("cookie_secret", `secret-${i}`)));
      expect(new Set(values).size).toBe(1);
      expect(await authStore(pg()).metaValue("cookie_secret", "later")).toBe(values[0]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it("serves a browser session's user until it expires, drops expired ones on the next sign-in, and ends one", async () => {
    const store = authStore(pg());
    await store.insertUser(user("u1", "alice"));
    await store.createWebSession({ id: "old", userId: "u1", createdAt: 0, expiresAt: 100 }, 0);
    expect(await store.webSessionUser("old", 99)).toEqual({ id: "u1", name: "alice", role: "supervisor" });
    expect(await store.webSessionUser("old", 100)).toBeUndefined();

    await store.createWebSession({ id: "new", userId: "u1", createdAt: 100, expiresAt: 200 }, 100);
    expect(await pg().query("SELECT id FROM web_sessions")).toEqual([{ id: "new" }]);
    await store.deleteWebSession("new");
    expect(await store.webSessionUser("new", 150)).toBeUndefined();
  });
});
