// Claims by several workers at the same moment, as on several hosts: each holds its transaction
// open while the other claims, so the overlap is certain rather than left to timing.
import { describe, expect, it } from "vitest";
import { connectPg } from "@/lib/db/postgres/client";
import { claimIn } from "@/lib/db/postgres/queue/claim";
import type { ClaimedRow, ClaimRequest } from "@/lib/db/store";
import { claimReq, message, onPostgres, QUEUE_NOW, usePgStore } from "../support/pg";

const NOW = QUEUE_NOW;

describe.skipIf(!onPostgres)("claims racing on PostgreSQL", () => {
  const store = usePgStore();

  /** Runs a claim in a transaction left open (its row and group locks held) until `commit()`. */
  async function openClaim(req: ClaimRequest & { token: string }): Promise<{ claimed: ClaimedRow[]; commit: () => Promise<void> }> {
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let claimed!: (rows: ClaimedRow[]) => void;
    const held = new Promise<ClaimedRow[]>((resolve) => (claimed = resolve));
    const done = store().pg.tx(async (c) => {
      claimed((await claimIn(c, req)).claimed);
      await gate;
    });
    done.catch(() => {});
    return { claimed: await held, commit: () => (commit(), done) };
  }

  const leasedPerGroup = async () =>
    store().pg.query<{ groupKey: string; n: number }>(
      `SELECT group_key AS "groupKey", count(*) AS n FROM messages WHERE state = 'leased' AND group_key IS NOT NULL
       GROUP BY group_key ORDER BY group_key`,
    );

  it("skips the messages another claim has locked instead of waiting for it, and takes the rest", async () => {
    const ids = (await store().enqueue(Array.from({ length: 6 }, () => message()))).map((e) => e.id);
    const a = await openClaim(claimReq({ limit: 3 }));
    // This claim waits for nobody: it would block until its statement timeout if it waited for A's rows.
    const impatient = connectPg(store().url, { poolSize: 1, statementTimeoutMs: 10_000 });
    try {
      const b = (await impatient.tx((c) => claimIn(c, claimReq({ workerId: "w2", limit: 10 })))).claimed;
      expect(a.claimed.map((m) => m.id)).toEqual(ids.slice(0, 3));
      expect(b.map((m) => m.id)).toEqual(ids.slice(3));
    } finally {
      await a.commit();
      await impatient.close();
    }
  });

  it("keeps a group's limit while another claim of it is uncommitted, even when their clocks disagree on its first message", async () => {
    // For a claimer at NOW the group's first due message is `now`; for one at NOW + 1000 it is
    // `soon` (older id). Row locks alone would let each lease a different one.
    const [soon, now, free] = await store().enqueue([
      message({ groupKey: "s1", runAt: NOW + 500 }),
      message({ groupKey: "s1", runAt: NOW }),
      message(),
    ]);
    const a = await openClaim(claimReq({ now: NOW }));
    expect(a.claimed.map((m) => m.id).sort()).toEqual([now!.id, free!.id].sort());
    const meanwhile = await store().completeAndClaim([], claimReq({ workerId: "w2", now: NOW + 1_000 }));
    await a.commit();
    const after = await store().completeAndClaim([], claimReq({ workerId: "w2", now: NOW + 1_000 }));
    expect(meanwhile.claimed).toEqual([]);
    expect(after.claimed).toEqual([]);
    expect(await leasedPerGroup()).toEqual([{ groupKey: "s1", n: 1 }]);
    // Once the group's message is done, its next one may go.
    const next = await store().completeAndClaim(a.claimed, claimReq({ workerId: "w2", now: NOW + 1_000 }));
    expect(next.claimed.map((m) => m.id)).toEqual([soon!.id]);
  });

  it("takes other groups' messages while one group is being claimed elsewhere", async () => {
    const [s1, s2] = await store().enqueue([message({ groupKey: "s1" }), message({ groupKey: "s2" })]);
    const a = await openClaim(claimReq({ limit: 1 }));
    try {
      expect(a.claimed.map((m) => m.id)).toEqual([s1!.id]);
      const b = await store().completeAndClaim([], claimReq({ workerId: "w2" }));
      expect(b.claimed.map((m) => m.id)).toEqual([s2!.id]);
    } finally {
      await a.commit();
    }
  });

  it("never leases more than the group limit, nor one message twice, under workers claiming on their own connections at once", async () => {
    const groupLimit = 2;
    const groups = ["s1", "s2", "s3", "s4"];
    // Priorities and due times vary, so that claimers with different clocks disagree on firsts.
    await store().enqueue(
      Array.from({ length: 120 }, (_, i) =>
        message({ groupKey: i % 5 === 0 ? null : groups[i % groups.length]!, priority: i % 3, runAt: NOW + (i % 7) * 100 }),
      ),
    );
    const workers = Array.from({ length: 4 }, () => connectPg(store().url, { poolSize: 1, statementTimeoutMs: 30_000 }));
    try {
      const taken: number[] = [];
      for (let round = 0; round < 15; round++) {
        const batches = await Promise.all(
          workers.map((w, i) =>
            w.tx(async (c) => (await claimIn(c, claimReq({ workerId: `w${i}`, limit: 3, groupLimit, now: NOW + i * 250 + round * 100 }))).claimed),
          ),
        );
        for (const batch of batches) taken.push(...batch.map((m) => m.id));
        for (const { n } of await leasedPerGroup()) expect(n).toBeLessThanOrEqual(groupLimit);
      }
      expect(new Set(taken).size).toBe(taken.length);
      // Every group reached its limit: the claims did go on while the others claimed.
      expect(await leasedPerGroup()).toEqual(groups.map((groupKey) => ({ groupKey, n: groupLimit })));
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });
});
