import { spawn } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "../../lib/auth/users";
import { copySqliteToPostgres } from "../../lib/db/copy";
import type { Store } from "../../lib/db/store";
import { enqueue } from "../../lib/queue/enqueue";
import { listDead } from "../../lib/queue/dead";
import { listRules } from "../../lib/requests/rules";
import { agent, FIXTURE_STATES, requestIn } from "../requests/fixtures";
import { onPostgres, usePgStore } from "../support/pg";
import { tempDb, type TempDb } from "../support/temp-db";

const BIN = path.resolve(__dirname, "../../bin/gatehouse.js");

/** Everything a person sees of a database, read through its store. */
async function everything(store: Store) {
  const { items } = await store.listRequests({ limit: 200 });
  return {
    requests: items,
    events: await Promise.all(items.map((r) => store.listEvents(r.id))),
    counts: (await store.statusCounts()).filter((c) => c.n !== 0).sort((a, b) => a.key.localeCompare(b.key)),
    minutes: await store.minutes(0),
    latency: await store.latency(0),
    rules: await listRules(store),
    agents: await store.listAgents(),
    alice: await store.userByName("alice"),
    queues: await store.queueCounts(),
    dead: await listDead(store),
  };
}

// A SQLite source and a PostgreSQL target: only in the run that has a PostgreSQL cluster.
describe.skipIf(!onPostgres)("gatehouse db copy", () => {
  const target = usePgStore();
  let source: TempDb;
  beforeEach(async () => {
    source = tempDb("gatehouse-copy-");
    const who = await agent(source.store);
    for (const state of FIXTURE_STATES) await requestIn(source.store, who, state);
    await createUser(source.store, { name: "alice", role: "supervisor", password: "a long password" });
    await enqueue(source.store, "noop", { delayed: true }, { delayMs: 3600_000 });
  });
  afterEach(() => source.cleanup());

  it("copies every request, event, rule, user, message and dashboard figure, and ids go on after the copied ones", async () => {
    const copied = await copySqliteToPostgres(source.db, target().pg);
    expect(copied.requests).toBe(FIXTURE_STATES.length);
    expect(await everything(target())).toEqual(await everything(source.store));
    const { id } = await enqueue(target(), "noop", null);
    const [{ max }] = source.db.$client.prepare("SELECT max(id) AS max FROM messages").all() as [{ max: number }];
    expect(id).toBe(max + 1);
  });

  it("refuses a database that already holds data, and writes nothing there", async () => {
    await createUser(target(), { name: "bob", role: "viewer", password: "a long password" });
    await expect(copySqliteToPostgres(source.db, target().pg)).rejects.toThrow(/already holds Gatehouse data: users \(1\)/);
    expect((await target().listRequests({})).items).toEqual([]);
  });

  it("runs as `gatehouse db copy --to URL --from FILE`", async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "db", "copy", "--to", target().url, "--from", source.file], { cwd: "/tmp" });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.stderr).toContain(`copied requests: ${FIXTURE_STATES.length} rows`);
    expect(run.code).toBe(0);
    expect((await target().listRequests({ limit: 200 })).items).toEqual((await source.store.listRequests({ limit: 200 })).items);
  });
});
