// The dashboard's rollups (request_counts, request_minutes, request_latency) are kept by triggers
// written twice: drizzle/sqlite/0001_* and its plpgsql twin drizzle/postgres/0001_*. The same
// writes to requests on both stores must leave the same rollups.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/sqlite/client";
import { onPostgres, usePgStore } from "../support/pg";

const MINUTE = 60_000;
const T = 90 * MINUTE + 7;

type Write = [sql: string, params: (string | number | null)[]];

const insert = (id: string, status: string, over: Record<string, number | string | null> = {}): Write => {
  const row = { id, agent_id: "a", session: "s", command: "ls", status, created_at: T, expires_at: T + 3_600_000, ...over };
  const columns = Object.keys(row);
  return [`INSERT INTO requests (${columns.join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`, Object.values(row)];
};

const move = (id: string, status: string, set: Record<string, number | string | null> = {}): Write => {
  const columns = Object.keys(set);
  return [
    `UPDATE requests SET status = $2${columns.map((c, i) => `, ${c} = $${i + 3}`).join("")} WHERE id = $1`,
    [id, status, ...columns.map((c) => set[c] ?? null)],
  ];
};

/** Lives of requests through every edge of the state machine, at fixed times in 1970. */
function writes(): Write[] {
  const at = (m: number, ms = 0) => T + m * MINUTE + ms;
  const approve = (id: string, m: number, by = "alice") => move(id, "queued", { decided_by: by, decided_at: at(m, 500), queued_at: at(m, 500) });
  return [
    insert("r1", "pending"), approve("r1", 1), move("r1", "running", { started_at: at(2, 9) }), move("r1", "succeeded", { finished_at: at(4, 1234) }),
    insert("r2", "pending"), approve("r2", 0, "policy:allow"), move("r2", "running", { started_at: at(0, 700) }),
    move("r2", "failed", { finished_at: at(0, 900) }),
    insert("r3", "pending"), move("r3", "rejected", { decided_by: "bob", decided_at: at(7, 77), finished_at: at(7, 77) }),
    insert("r4", "pending"), move("r4", "cancelled", { decided_by: "agent:a", decided_at: at(2), finished_at: at(2) }),
    insert("r5", "pending"), move("r5", "expired", { decided_by: "system", decided_at: at(60), finished_at: at(60) }),
    insert("r6", "pending"), approve("r6", 3), move("r6", "dead", { finished_at: at(3, 999) }), move("r6", "dead", { discarded_at: at(5) }),
    // Requeued after dying, retried after a lost lease: these count at the time of the write.
    insert("r7", "pending"), approve("r7", 1), move("r7", "running", { started_at: at(1, 600) }), move("r7", "dead", { finished_at: at(2) }),
    move("r7", "queued", { queued_at: null, finished_at: null }), move("r7", "running", { started_at: at(9) }), move("r7", "queued", {}),
    // Written already decided (policy, imports, benchmarks): accounted from their own times.
    insert("r8", "queued", { decided_by: "policy:allow", decided_at: at(1), queued_at: at(1) }),
    insert("r9", "succeeded", { decided_by: "carol", decided_at: at(2), queued_at: at(2, 5), started_at: at(2, 50), finished_at: at(3) }),
    insert("r10", "pending"), ["DELETE FROM requests WHERE id = $1", ["r10"]],
    insert("r11", "pending", { created_at: at(-90) }),
  ];
}

interface Rollups {
  counts: Record<string, number>[];
  minutes: Record<string, number>[];
  latency: Record<string, number | string>[];
}

const READS = {
  counts: `SELECT key, n FROM request_counts WHERE n <> 0 ORDER BY key`,
  minutes: `SELECT * FROM request_minutes ORDER BY minute`,
  latency: `SELECT metric, hour, bucket, n FROM request_latency ORDER BY metric, hour, bucket`,
};

/**
 * Rows of writes at fixed times compared as they are; the minute rows of writes that carry no time
 * (stamped with the clock: a few at most, in this decade) summed, so that a test straddling a
 * minute does not tell the stores apart.
 */
function comparable(r: Rollups) {
  const fixed = r.minutes.filter((m) => Number(m.minute) < 10_000_000);
  const clocked = r.minutes.filter((m) => Number(m.minute) >= 10_000_000);
  const sums: Record<string, number> = {};
  for (const row of clocked) for (const [k, v] of Object.entries(row)) if (k !== "minute") sums[k] = (sums[k] ?? 0) + Number(v);
  return { counts: r.counts, fixed, clocked: sums, latency: r.latency };
}

describe.skipIf(!onPostgres)("rollup triggers of both stores", () => {
  const store = usePgStore();
  let sqlite: { db: Db; dir: string } | undefined;
  beforeEach(() => {
    const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-stats-"));
    sqlite = { db: openDb(path.join(dir, "gatehouse.db")), dir };
  });
  afterEach(() => {
    sqlite?.db.$client.close();
    if (sqlite) rmSync(sqlite.dir, { recursive: true, force: true });
  });

  it("leave the same counts, minutes and latency histograms after the same writes", async () => {
    const lite = sqlite!.db.$client;
    for (const [text, params] of writes()) {
      // SQLite numbers its parameters ?1, ?2… where PostgreSQL has $1, $2… (better-sqlite3 takes them by number).
      lite.prepare(text.replace(/\$(\d+)/g, "?$1")).run(Object.fromEntries(params.map((v, i) => [i + 1, v])));
      await store().pg.query(text, params);
    }
    const fromSqlite = Object.fromEntries(
      Object.entries(READS).map(([k, q]) => [k, lite.prepare(q).all() as Record<string, number>[]]),
    ) as unknown as Rollups;
    const fromPg = Object.fromEntries(
      await Promise.all(Object.entries(READS).map(async ([k, q]) => [k, await store().pg.query<Record<string, number>>(q)])),
    ) as unknown as Rollups;
    expect(fromPg.counts.length).toBeGreaterThan(5);
    expect(fromPg.latency.length).toBeGreaterThan(3);
    expect(comparable(fromPg)).toEqual(comparable(fromSqlite));
  });
});
