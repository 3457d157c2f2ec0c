import { describe, expect, it } from "vitest";
import type { Rule } from "@/lib/db/rows";
import { connectPg } from "@/lib/db/postgres/client";
import { CONFIG_VERSION } from "@/lib/db/postgres/config-cache";
import { requestStore } from "@/lib/db/postgres/request-store";
import { onPostgres, usePg } from "./pg-requests-fixture";

const rule = (id: string, createdAt: number, over: Partial<Rule> = {}): Rule => ({
  id,
  kind: "deny",
  pattern: `pattern of ${id}`,
  agentId: null,
  session: null,
  createdBy: "system",
  note: null,
  createdAt,
  ...over,
});

describe.skipIf(!onPostgres)("PostgreSQL rules", () => {
  const pg = usePg();

  it("lists rules oldest first, then by id compared bytewise as SQLite does, whatever the column's collation", async () => {
    const store = requestStore(pg());
    // A locale's collation puts "Z" after "a"; bytewise (SQLite, and PostgreSQL's "C") it comes first.
    await pg().query(`ALTER TABLE rules ALTER COLUMN id TYPE text COLLATE "en-x-icu"`);
    for (const r of [rule("ab", 1), rule("a-c", 1), rule("Z", 1), rule("old", 0)]) await store.addRule(r);
    expect((await store.listRules()).map((r) => r.id)).toEqual(["old", "Z", "a-c", "ab"]);
  });

  it("adds and deletes a rule, returning it", async () => {
    const store = requestStore(pg());
    const r = rule("r1", 5, { kind: "allow", agentId: "agent-1", session: "s1", note: "why" });
    expect(await store.addRule(r)).toEqual(r);
    expect(await store.deleteRule("r1")).toEqual(r);
    expect(await store.deleteRule("r1")).toBeUndefined();
    expect(await store.listRules()).toEqual([]);
  });

  it("seeds once for the life of the database, even from processes racing, and a deleted seed stays deleted", async () => {
    const seed = [rule("default-1", 1), rule("default-2", 1)];
    // Separate pools stand for separate processes.
    const pools = Array.from({ length: 4 }, () => connectPg(pg().url, { poolSize: 1, statementTimeoutMs: 30_000 }));
    try {
      const done = await Promise.all(pools.map((p) => requestStore(p).seedRules(seed, "default_rules_seeded", 1)));
      expect(done.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    const store = requestStore(pg());
    expect(await store.listRules()).toEqual(seed);
    await store.deleteRule("default-1");
    expect(await store.seedRules(seed, "default_rules_seeded", 2)).toBe(false);
    expect((await store.listRules()).map((r) => r.id)).toEqual(["default-2"]);
    expect(await pg().query("SELECT value FROM meta WHERE key = 'default_rules_seeded'")).toEqual([{ value: new Date(1).toISOString() }]);
  });

  it("answers a caller whose count of changes its copy has from memory, and reads the table for any other", async () => {
    const store = requestStore(pg());
    const ids = (rules: Rule[]) => rules.map((r) => r.id);
    const count = async () => (await pg().query<{ n: number }>(`SELECT ${CONFIG_VERSION} AS n`))[0]!.n;
    await store.addRule(rule("r1", 1));
    const seen = await count();
    expect(seen).toBeGreaterThan(0);
    expect(ids(await store.listRules(seen))).toEqual(["r1"]);
    // A write that the count does not see (its trigger off) stays unread for that count...
    await pg().query("ALTER TABLE rules DISABLE TRIGGER rules_count_config_change");
    await store.addRule(rule("r2", 2));
    expect(ids(await store.listRules(seen))).toEqual(["r1"]);
    // ...but not for a caller without one (the dashboard), nor once the count moves on.
    expect(ids(await store.listRules())).toEqual(["r1", "r2"]);
    await pg().query("ALTER TABLE rules ENABLE TRIGGER rules_count_config_change");
    await store.deleteRule("r1");
    expect(await count()).toBe(seen + 1);
    expect(ids(await store.listRules(seen + 1))).toEqual(["r2"]);
  });
});
