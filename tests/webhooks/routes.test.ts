// The admin-only /api/webhooks route, called in-process with this test's store as the app's:
// admins add, list and remove hooks; a supervisor is refused; bad input gets the API's error shape.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser, issueUserToken } from "../../lib/auth/users";
import type { Store } from "../../lib/db/store";
import { DELETE, GET, POST } from "../../app/api/webhooks/route";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb({ prefix: "gatehouse-webhook-routes-" });
const app = globalThis as unknown as { __gatehouseStore?: Promise<Store> };
const tokens = { admin: "", alice: "" };

beforeEach(async () => {
  app.__gatehouseStore = Promise.resolve(t.store);
  const admin = await createUser(t.store, { name: "admin", role: "admin", password: "admin-password" });
  const alice = await createUser(t.store, { name: "alice", role: "supervisor", password: "alice-password" });
  tokens.admin = await issueUserToken(t.store, admin.id);
  tokens.alice = await issueUserToken(t.store, alice.id);
});
afterEach(() => {
  app.__gatehouseStore = undefined;
});

const ctx = { params: Promise.resolve({}) };

function call(handler: typeof GET, method: string, token: string, opts: { body?: unknown; query?: string } = {}) {
  const req = new Request(`http://127.0.0.1:3000/api/webhooks${opts.query ?? ""}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(opts.body === undefined ? {} : { "content-type": "application/json" }) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return handler(req, ctx);
}

describe("/api/webhooks", () => {
  it("lets an admin add, list and remove hooks; a generic hook's secret is shown once", async () => {
    const added = await call(POST, "POST", tokens.admin, { body: { url: "https://hooks.example.com/x", kind: "generic" } });
    expect(added.status).toBe(201);
    const hook = (await added.json()) as { id: string; secret: string; signed: boolean; createdBy: string };
    expect(hook).toMatchObject({ kind: "generic", url: "https://hooks.example.com/x", signed: true, createdBy: "admin" });
    expect(hook.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.store.getWebhook(hook.id))?.secret).toBe(hook.secret);

    const slack = await call(POST, "POST", tokens.admin, { body: { url: "https://hooks.slack.com/services/T/B/C", kind: "slack" } });
    expect(slack.status).toBe(201);
    expect(await slack.json()).not.toHaveProperty("secret");

    const listed = (await (await call(GET, "GET", tokens.admin)).json()) as { items: Record<string, unknown>[] };
    expect(listed.items.map((h) => h.kind)).toEqual(["generic", "slack"]);
    for (const item of listed.items) expect(item).not.toHaveProperty("secret");

    const removed = await call(DELETE, "DELETE", tokens.admin, { query: `?id=${hook.id}` });
    expect(removed.status).toBe(200);
    expect(await t.store.listWebhooks()).toHaveLength(1);
    expect((await call(DELETE, "DELETE", tokens.admin, { body: { id: hook.id } })).status).toBe(404);
  });

  it("refuses a supervisor (403) on every method", async () => {
    await call(POST, "POST", tokens.admin, { body: { url: "https://hooks.example.com/x", kind: "generic" } });
    const [hook] = await t.store.listWebhooks();
    for (const res of [
      await call(GET, "GET", tokens.alice),
      await call(POST, "POST", tokens.alice, { body: { url: "https://evil.example.com/", kind: "generic" } }),
      await call(DELETE, "DELETE", tokens.alice, { query: `?id=${hook!.id}` }),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    expect(await t.store.listWebhooks()).toHaveLength(1);
  });

  it("validates input (422, the API's error shape)", async () => {
    for (const body of [
      { url: "ftp://hooks.example.com/x", kind: "generic" },
      { url: "https://hooks.example.com/x", kind: "teams" },
      { url: "https://hooks.example.com/x", kind: "generic", secret: "short" },
      { url: "https://hooks.example.com/x", kind: "slack", secret: "a-secret-of-at-least-16-characters" },
      { url: "https://hooks.example.com/x", kind: "generic", extra: 1 },
    ]) {
      const res = await call(POST, "POST", tokens.admin, { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(await res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(await t.store.listWebhooks()).toEqual([]);
  });
});
