// The PostgreSQL store vacuums its messages table after many claims (lib/db/postgres/queue/vacuum.ts).
import { describe, expect, it } from "vitest";
import { connectPg } from "@/lib/db/postgres/client";
import { claimVacuum } from "@/lib/db/postgres/queue/vacuum";
import { claimReq, message, onPostgres, usePgStore } from "../support/pg";

describe.skipIf(!onPostgres)("vacuum after claims (PostgreSQL)", () => {
  const store = usePgStore();
  const vacuums = async () =>
    (await store().pg.query<{ n: number }>(`SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relname = 'messages'`))[0]!.n;

  it("vacuums once the claimed messages reach the threshold, one VACUUM at a time, counting the claims made meanwhile towards the next", async () => {
    await store().enqueue(Array.from({ length: 300 }, () => message()));
    const errors: unknown[] = [];
    const vacuum = claimVacuum(store().pg, (err) => errors.push(err), 200);
    const { claimed } = await store().completeAndClaim([], claimReq({ limit: 150 }));
    expect(claimed).toHaveLength(150);

    expect(vacuum.claimed(150)).toBeUndefined();
    const first = vacuum.claimed(50);
    expect(first).toBeDefined();
    expect(vacuum.claimed(300)).toBeUndefined(); // the first one still runs; these count towards the next
    await first;
    expect(await vacuums()).toBe(1);
    await vacuum.claimed(0);
    expect(await vacuums()).toBe(2);
    expect(vacuum.claimed(199)).toBeUndefined();
    await vacuum.claimed(1);
    expect(await vacuums()).toBe(3);
    expect(errors).toEqual([]);
  });

  it("hands a failed VACUUM to its error handler and tries again after the next threshold", async () => {
    const closed = connectPg(store().url, { poolSize: 1, statementTimeoutMs: 5_000 });
    await closed.close();
    const errors: unknown[] = [];
    const vacuum = claimVacuum(closed, (err) => errors.push(err), 10);
    await vacuum.claimed(10);
    expect(errors).toHaveLength(1);
    await vacuum.claimed(10);
    expect(errors).toHaveLength(2);
  });
});
