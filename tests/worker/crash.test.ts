import { describe, expect, it } from "vitest";
import { enqueue } from "../../lib/queue/enqueue";
import { onDeadLetter } from "../../lib/queue/hooks";
import { LEASE_MS } from "../../lib/queue/lease";
import { reclaim } from "../../lib/queue/reclaim";
import { eventually } from "../support/eventually";
import { messageRow, messageState } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers } from "../support/worker-process";
import { testSleep, testSleepOnce } from "./fixtures/actors";
import { runLog } from "./run-log";

const t = useTempDb({ teardown: killWorkers });

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe("a worker killed with SIGKILL mid-run", () => {
  it("loses nothing: its messages come back as their actors say once the lease runs out", async () => {
    const log = runLog(t);
    const retry: number[] = [];
    for (let i = 0; i < 3; i++) retry.push((await enqueue(t.store, testSleep.name, { ms: 60_000 })).id);
    const once: number[] = [];
    for (let i = 0; i < 2; i++) once.push((await enqueue(t.store, testSleepOnce.name, { ms: 60_000 })).id);
    const state = (id: number) => messageState(t.store, id);
    const victim = log.worker({ supervisor: false });
    await victim.ready(); // its start (a bundle build, slow while other tests build theirs) is not what this waits for below
    await eventually(() => log.runs().length === 5, "all five messages running");

    victim.proc.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");
    const killedAt = Date.now();
    expect(await Promise.all([...retry, ...once].map(state))).toEqual(Array(5).fill("leased"));

    const interrupted: number[] = [];
    const off = onDeadLetter(testSleepOnce.name, (m, reason) => {
      if (reason === "interrupted") interrupted.push(m.id);
      return [];
    });
    try {
      // Time is injected: this is what any worker's maintenance does once the lease has run out.
      expect(await reclaim(t.store, killedAt + LEASE_MS - 1_000)).toEqual({ retried: [], dead: [] });
      // The ids in either list come in no promised order (PostgreSQL's RETURNING has none).
      const { retried, dead } = await reclaim(t.store, killedAt + LEASE_MS + 1);
      expect({ retried: sorted(retried), dead: sorted(dead) }).toEqual({ retried: retry, dead: once });
    } finally {
      off();
    }
    expect(sorted(interrupted)).toEqual(once);
    for (const id of once) expect(await messageRow(t.store, id)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted" });

    const rescuer = log.worker({ supervisor: false });
    await rescuer.ready(); // its start (a bundle build) is not what this waits for below
    await eventually(async () => (await Promise.all(retry.map(state))).every((s) => s === "gone"), "the retried messages finished");
    expect(await rescuer.stop(), rescuer.output()).toBe(0);
    for (const id of retry) expect(log.runs().filter((r) => r.id === id)).toHaveLength(2); // killed, then run again
    for (const id of once) expect(await state(id)).toBe("dead"); // never run a second time
    expect(log.runs().filter((r) => once.includes(r.id))).toHaveLength(2);
  });
});
