import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/db/store";
import type { RequestStatus } from "@/lib/requests/statuses";
import { readStore } from "@/lib/db/postgres/read-store";
import { requestStore } from "@/lib/db/postgres/request-store";
import { movePlan, onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

// The triggers of drizzle/postgres/0001_* keep the rollups the dashboard reads. Here every
// transition of the state machine runs through the store, and the rollups are compared with what
// counting the tables says.

const MINUTE = 60_000;

type Step = [RequestStatus, RequestStatus, Plan["set"]];

/** Requests' lives covering every edge of the request state machine, one step per transition. */
const lives = (at: number): Step[][] => {
  const approved: Step = ["pending", "queued", { decidedBy: "alice", decidedAt: at, queuedAt: at }];
  return [
    [approved, ["queued", "running", { startedAt: at + 1 }], ["running", "succeeded", { finishedAt: at + 2 }]],
    [
      ["pending", "queued", { decidedBy: "policy:allow", decidedAt: at, queuedAt: at }],
      ["queued", "running", { startedAt: at }],
      ["running", "queued", {}],
      ["queued", "running", { startedAt: at + 5 }],
      ["running", "failed", { finishedAt: at + 9 }],
      ["failed", "queued", { queuedAt: at + 9, startedAt: null, finishedAt: null }],
    ],
    [["pending", "rejected", { decidedBy: "bob", decidedAt: at, finishedAt: at }]],
    [["pending", "cancelled", { decidedBy: "agent:a", decidedAt: at, finishedAt: at }]],
    [["pending", "expired", { decidedBy: "system", decidedAt: at, finishedAt: at }]],
    [approved, ["queued", "dead", { finishedAt: at }], ["dead", "dead", { discardedAt: at + 1 }]],
    [
      approved,
      ["queued", "running", { startedAt: at }],
      ["running", "dead", { finishedAt: at }],
      ["dead", "queued", { queuedAt: at, finishedAt: null, discardedAt: null }],
    ],
    [], // still pending
  ];
};

describe.skipIf(!onPostgres)("PostgreSQL rollup triggers", () => {
  const pg = usePg();

  it("keep request_counts and request_minutes equal to counting requests and events, across every transition", async () => {
    const store = requestStore(pg());
    const reads = readStore(pg());
    const t0 = 30 * MINUTE;
    for (let round = 0; round < 3; round++) {
      for (const [i, steps] of lives(t0 + round * MINUTE + 10).entries()) {
        const row = requestRow({ createdAt: t0 + round * MINUTE + i });
        await store.insertRequest(submission(row));
        for (const [n, [from, to, set]] of steps.entries()) {
          const applied = await store.apply([{ ...movePlan(row.id, [from], to, t0 + n, set), undiscarded: from === "dead" && to === "dead" }]);
          expect(applied.ok, `${from} → ${to}`).toBe(true);
        }
      }
    }
    // A request inserted already decided (the policy allowed it at once) counts as well.
    await store.insertRequest(submission(requestRow({ status: "queued", decidedBy: "policy:allow", decidedAt: t0, queuedAt: t0, createdAt: t0 })));

    const counted = await pg().query<{ key: string; n: number }>(
      `SELECT CASE WHEN discarded_at IS NOT NULL THEN status || ':discarded' ELSE status END AS key, count(*) AS n FROM requests GROUP BY 1`,
    );
    const kept = (await reads.statusCounts()).filter((c) => c.n !== 0);
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    expect(kept.sort(byKey)).toEqual(counted.sort(byKey));

    const minutes = await reads.minutes(0);
    const total = (k: keyof (typeof minutes)[number]) => minutes.reduce((n, m) => n + m[k], 0);
    const [truth] = await pg().query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM requests) AS submitted,
         (SELECT count(*) FROM requests WHERE status = 'pending') AS pending,
         (SELECT count(*) FROM requests WHERE status = 'queued') AS queued,
         count(*) FILTER (WHERE from_status = 'pending' AND to_status IN ('queued', 'rejected')) AS decided,
         count(*) FILTER (WHERE to_status = 'running') AS started,
         count(*) FILTER (WHERE to_status = 'succeeded') AS succeeded,
         count(*) FILTER (WHERE to_status = 'failed') AS failed,
         count(*) FILTER (WHERE to_status = 'dead' AND from_status <> 'dead') AS dead
       FROM request_events`,
    );
    // The request inserted already queued has no event for its decision, but is decided all the same.
    expect({
      submitted: total("submitted"),
      pending: total("pendingIn") - total("pendingOut"),
      queued: total("queuedIn") - total("queuedOut"),
      decided: total("decided"),
      started: total("started"),
      succeeded: total("succeeded"),
      failed: total("failed"),
      dead: total("dead"),
    }).toEqual({ ...truth, decided: (truth?.decided ?? 0) + 1 });
    expect(minutes.map((m) => m.minute)).toEqual([...minutes.map((m) => m.minute)].sort((a, b) => a - b));
  });
});
