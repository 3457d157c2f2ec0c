import { beforeEach, describe, expect, it } from "vitest";
import { createAgent } from "../../lib/auth/agents";
import { ensureAdmin } from "../../lib/auth/bootstrap";
import { hashPassword, verifyPassword } from "../../lib/auth/passwords";
import { authenticate, requireAgent, requireUser } from "../../lib/auth/principal";
import { takeToken } from "../../lib/auth/rate-limit";
import { hashToken } from "../../lib/auth/tokens";
import { createUser, issueUserToken, verifyLogin } from "../../lib/auth/users";
import { createWebSession, endWebSession, SESSION_TTL_MS, userBySessionCookie } from "../../lib/auth/web-sessions";
import { loadConfig } from "../../lib/config";
import { openStore } from "../../lib/db/open";
import type { Store } from "../../lib/db/store";
import { ApiError } from "../../lib/http/errors";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
let db: Store;
beforeEach(() => (db = t.store));

/** The same database opened again, as another process would. */
const otherProcess = () => openStore(loadConfig(t.env));

async function statusOf(fn: () => Promise<unknown>): Promise<number | "ok"> {
  try {
    await fn();
    return "ok";
  } catch (err) {
    if (err instanceof ApiError) return err.status;
    throw err;
  }
}

const req = (headers: Record<string, string>, method = "GET") => new Request("http://127.0.0.1:3000/api/requests", { method, headers });

describe("passwords", () => {
  it("are stored as scrypt hashes that verify only the right password", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct hors", hash)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });

  it("login checks name and password", async () => {
    await createUser(db, { name: "alice", role: "supervisor", password: "alice-password" });
    expect(await verifyLogin(db, "alice", "alice-password")).toMatchObject({ name: "alice", role: "supervisor" });
    expect(await verifyLogin(db, "alice", "wrong-password")).toBeNull();
    expect(await verifyLogin(db, "nobody", "alice-password")).toBeNull();
  });
});

describe("tokens", () => {
  it("are stored only as hashes", async () => {
    const { token } = await createAgent(db, { id: "a1", sessions: ["s"] });
    const user = await createUser(db, { name: "bot", role: "viewer", password: "bot-password" });
    const userToken = await issueUserToken(db, user.id);
    // Every agent and every user (there is one of each) as stored.
    const dump = JSON.stringify(await db.listAgents()) + JSON.stringify([await db.userByName("bot")]);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(userToken);
    expect(dump).toContain(hashToken(token));
  });

  it("an agent token identifies its agent and sessions; a user token its user", async () => {
    const { token } = await createAgent(db, { id: "a1", sessions: ["s1", "s2"] });
    expect(await authenticate(db, req({ authorization: `Bearer ${token}` }))).toEqual({
      kind: "agent",
      agent: { id: "a1", sessions: ["s1", "s2"], autoApprove: false },
    });
    const user = await createUser(db, { name: "ops", role: "admin", password: "ops-password" });
    const userToken = await issueUserToken(db, user.id);
    expect(await authenticate(db, req({ authorization: `Bearer ${userToken}` }))).toMatchObject({ kind: "user", via: "token", user: { name: "ops" } });
    const replaced = await issueUserToken(db, user.id);
    expect(await statusOf(() => authenticate(db, req({ authorization: `Bearer ${userToken}` })))).toBe(401);
    expect(await statusOf(() => authenticate(db, req({ authorization: `Bearer ${replaced}` })))).toBe("ok");
  });

  it("agents can never act as people, and people never as agents", async () => {
    const { token } = await createAgent(db, { id: "a1", sessions: ["s"] });
    const user = await createUser(db, { name: "admin", role: "admin", password: "admin-password" });
    const userToken = await issueUserToken(db, user.id);
    expect(await statusOf(() => requireUser(db, req({ authorization: `Bearer ${token}` }), "viewer"))).toBe(403);
    expect(await statusOf(() => requireAgent(db, req({ authorization: `Bearer ${userToken}` })))).toBe(403);
  });

  it("roles rank viewer < supervisor < admin", async () => {
    const viewer = await issueUserToken(db, (await createUser(db, { name: "v", role: "viewer", password: "viewer-pass" })).id);
    const sup = await issueUserToken(db, (await createUser(db, { name: "s", role: "supervisor", password: "super-pass" })).id);
    const as = (token: string) => req({ authorization: `Bearer ${token}` }, "POST");
    expect(await statusOf(() => requireUser(db, as(viewer), "viewer"))).toBe("ok");
    expect(await statusOf(() => requireUser(db, as(viewer), "supervisor"))).toBe(403);
    expect(await statusOf(() => requireUser(db, as(sup), "supervisor"))).toBe("ok");
    expect(await statusOf(() => requireUser(db, as(sup), "admin"))).toBe(403);
  });
});

describe("cookie sessions", () => {
  it("are signed: a changed id or signature names nobody", async () => {
    const user = await createUser(db, { name: "alice", role: "supervisor", password: "alice-password" });
    const cookie = await createWebSession(db, user.id);
    expect((await userBySessionCookie(db, cookie))?.name).toBe("alice");
    const [id, sig] = cookie.split(".");
    expect(await userBySessionCookie(db, `${id}x.${sig}`)).toBeNull();
    expect(await userBySessionCookie(db, `${id}.${sig!.slice(1)}A`)).toBeNull();
    expect(await userBySessionCookie(db, id!)).toBeNull();
  });

  it("expire, and end at logout", async () => {
    const user = await createUser(db, { name: "alice", role: "supervisor", password: "alice-password" });
    const now = Date.now();
    const cookie = await createWebSession(db, user.id, now);
    expect(await userBySessionCookie(db, cookie, now + SESSION_TTL_MS - 1)).not.toBeNull();
    expect(await userBySessionCookie(db, cookie, now + SESSION_TTL_MS)).toBeNull();
    await endWebSession(db, cookie);
    expect(await userBySessionCookie(db, cookie, now)).toBeNull();
  });

  it("keep working across processes: the signing secret is made once per database", async () => {
    const user = await createUser(db, { name: "alice", role: "supervisor", password: "alice-password" });
    const cookie = await createWebSession(db, user.id);
    const other = await otherProcess();
    expect((await userBySessionCookie(other, cookie))?.name).toBe("alice");
    await other.close();
  });

  it("must come with the dashboard's Origin on changes; reads need none", async () => {
    const user = await createUser(db, { name: "alice", role: "supervisor", password: "alice-password" });
    const cookie = `gatehouse_session=${await createWebSession(db, user.id)}`;
    const host = "127.0.0.1:3000";
    expect(await statusOf(() => authenticate(db, req({ cookie, host })))).toBe("ok");
    expect(await statusOf(() => authenticate(db, req({ cookie, host }, "POST")))).toBe(403);
    expect(await statusOf(() => authenticate(db, req({ cookie, host, origin: "http://evil.example" }, "POST")))).toBe(403);
    expect(await statusOf(() => authenticate(db, req({ cookie, host, origin: `http://${host}` }, "POST")))).toBe("ok");
  });
});

describe("rate limit", () => {
  it("allows the configured number per minute, then says when to come back", () => {
    const now = 1_000_000;
    for (let i = 0; i < 3; i++) expect(takeToken("rl-agent", 3, now)).toBe(0);
    expect(takeToken("rl-agent", 3, now)).toBe(20);
    expect(takeToken("rl-agent", 3, now + 20_000)).toBe(0);
    expect(takeToken("rl-other", 3, now)).toBe(0);
  });
});

describe("first start", () => {
  it("creates one admin, with the given password or a generated one, and never a second", async () => {
    const first = await ensureAdmin(db);
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await verifyLogin(db, "admin", first.generatedPassword!)).toMatchObject({ role: "admin" });
    expect(await ensureAdmin(db, "another-password")).toEqual({ created: false });
  });

  it("two processes starting at once make one admin", async () => {
    const other = await otherProcess();
    const results = await Promise.all([ensureAdmin(db, "admin-password"), ensureAdmin(other, "admin-password")]);
    await other.close();
    expect(results.filter((r) => r.created)).toHaveLength(1);
    if (TEST_STORE === "sqlite") {
      expect(t.db.$client.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get()).toEqual({ n: 1 });
    }
    expect(await db.userByName("admin")).toMatchObject({ role: "admin" });
  });
});
