import { describe, expect, it } from "vitest";
import type { Rule, Webhook } from "@/lib/db/rows";
import { connectPg, type Pg } from "@/lib/db/postgres/client";
import { cachedList } from "@/lib/db/postgres/config-cache";
import { requestStore } from "@/lib/db/postgres/request-store";
import { webhookStore } from "@/lib/db/postgres/webhook-store";
import { eventually } from "../support/eventually";
import { approvePlan, onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

const HOUR = 3_600_000;

const rule = (id: string, over: Partial<Rule> = {}): Rule => ({
  id,
  kind: "deny",
  pattern: `pattern of ${id}`,
  agentId: null,
  session: null,
  createdBy: "alice",
  note: null,
  createdAt: 1,
  ...over,
});

const hook = (id: string): Webhook => ({ id, url: `https://hooks.example/${id}`, kind: "generic", secret: null, createdBy: "alice", createdAt: 1 });

/** The rules table's ids, read through `cache`, and how many times it went to the database. */
function countedRules(pg: Pg, table: string, maxAgeMs: number) {
  let loads = 0;
  const cache = cachedList(pg, table, () => (loads++, pg.query<{ id: string }>("SELECT id FROM rules ORDER BY id")), maxAgeMs);
  return { ids: async () => (await cache.read()).map((r) => r.id), loads: () => loads };
}

/** Reads (which starts listening), waits until LISTEN is in force, then reads once more (the cache reloads then). */
async function listening(admin: Pg, read: () => Promise<unknown>): Promise<void> {
  await read();
  await eventually(
    async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN gatehouse_config%'`)).length,
    "LISTEN gatehouse_config",
  );
  await read();
}

describe.skipIf(!onPostgres)("PostgreSQL rules and webhooks kept in memory", () => {
  const pg = usePg();
  /** A pool of its own stands for another web server on the same database. */
  const otherServer = () => connectPg(pg().url, { poolSize: 1, statementTimeoutMs: 30_000 });

  it("serves the list from memory, and reads it again when another process changes the table (NOTIFY)", async () => {
    const server = otherServer();
    try {
      const rules = countedRules(server, "rules", HOUR);
      await listening(pg(), rules.ids);
      const loads = rules.loads();
      expect(await rules.ids()).toEqual([]);
      expect(rules.loads()).toBe(loads);

      await requestStore(pg()).addRule(rule("deny-curl"));

      await eventually(async () => (await rules.ids()).includes("deny-curl"), "the new rule, told by NOTIFY");
      await pg().query("DELETE FROM rules");
      await eventually(async () => (await rules.ids()).length === 0, "the rule gone, told by NOTIFY");
    } finally {
      await server.close();
    }
  });

  it("reads the list again once it is older than its age limit, when no notification comes", async () => {
    const server = otherServer();
    try {
      // Listening for a table no trigger names: only the age limit can bring the change.
      const rules = countedRules(server, "not_notified", 300);
      await listening(pg(), rules.ids);
      expect(await rules.ids()).toEqual([]);

      await pg().query("INSERT INTO rules (id, kind, pattern, created_by, created_at) VALUES ('r1', 'deny', 'curl *', 'alice', 1)");

      await eventually(async () => (await rules.ids()).includes("r1"), "the rule, past the age limit");
    } finally {
      await server.close();
    }
  });

  it("reads the list again after its listening connection was lost, as what was notified meanwhile is gone", async () => {
    const server = otherServer();
    try {
      const rules = countedRules(server, "rules", HOUR);
      await listening(pg(), rules.ids);
      await pg().query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN gatehouse_config%'`);
      await requestStore(pg()).addRule(rule("while-away"));

      await eventually(async () => (await rules.ids()).includes("while-away"), "the rule added while the listener was away");
    } finally {
      await server.close();
    }
  });

  /** Only a process's own knowledge of its writes can bring them now. */
  const withoutNotifications = () =>
    pg().query("ALTER TABLE rules DISABLE TRIGGER rules_notify_config; ALTER TABLE webhooks DISABLE TRIGGER webhooks_notify_config");

  it("shows a process its own rule and webhook changes at once, before any notification", async () => {
    await withoutNotifications();
    const store = { ...requestStore(pg()), ...webhookStore(pg()) };
    await listening(pg(), () => Promise.all([store.listRules(), store.listWebhooks()]));
    expect(await store.listRules()).toEqual([]);
    expect(await store.listWebhooks()).toEqual([]);

    await store.addRule(rule("mine"));
    expect((await store.listRules()).map((r) => r.id)).toEqual(["mine"]);
    await store.deleteRule("mine");
    expect(await store.listRules()).toEqual([]);
    await store.seedRules([rule("seeded")], "marker", 1);
    expect((await store.listRules()).map((r) => r.id)).toEqual(["seeded"]);

    await store.addWebhook(hook("h1"));
    expect((await store.listWebhooks()).map((h) => h.id)).toEqual(["h1"]);
    await store.deleteWebhook("h1");
    expect(await store.listWebhooks()).toEqual([]);
  });

  it("shows the rule a person's approval remembered at once", async () => {
    await withoutNotifications();
    const store = requestStore(pg());
    const row = requestRow();
    await store.insertRequest(submission(row));
    await listening(pg(), () => store.listRules());
    expect(await store.listRules()).toEqual([]);

    await store.apply([{ ...approvePlan(row.id, 10), then: () => ({ remember: rule("remembered", { kind: "allow" }) }) }]);

    expect((await store.listRules()).map((r) => r.id)).toEqual(["remembered"]);
  });
});
