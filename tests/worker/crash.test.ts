import { describe, expect, it } from "vitest";
import { enqueue } from "../../lib/queue/enqueue";
import { onDeadLetter } from "../../lib/queue/hooks";
import { LEASE_MS } from "../../lib/queue/lease";
import { reclaim } from "../../lib/queue/reclaim";
import { eventually } from "../support/eventually";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers } from "../support/worker-process";
import { testSleep, testSleepOnce } from "./fixtures/actors";
import { runLog } from "./run-log";

const t = useTempDb({ teardown: killWorkers });

describe("a worker killed with SIGKILL mid-run", () => {
  it("loses nothing: its messages come back as their actors say once the lease runs out", async () => {
    const log = runLog(t);
    const retry = [1, 2, 3].map(() => enqueue(t.db, testSleep.name, { ms: 60_000 }).id);
    const once = [1, 2].map(() => enqueue(t.db, testSleepOnce.name, { ms: 60_000 }).id);
    const victim = log.worker({ supervisor: false });
    await eventually(() => log.runs().length === 5, "all five messages running");

    victim.proc.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");
    const killedAt = Date.now();
    expect([...retry, ...once].map((id) => messageRow(t.db, id).state)).toEqual(Array(5).fill("leased"));

    const interrupted: number[] = [];
    const off = onDeadLetter(testSleepOnce.name, (_db, m, reason) => reason === "interrupted" && interrupted.push(m.id));
    try {
      // Time is injected: this is what any worker's maintenance does once the lease has run out.
      expect(reclaim(t.db, killedAt + LEASE_MS - 1_000)).toEqual({ retried: [], dead: [] });
      expect(reclaim(t.db, killedAt + LEASE_MS + 1)).toEqual({ retried: retry, dead: once });
    } finally {
      off();
    }
    expect(interrupted).toEqual(once);
    for (const id of once) expect(messageRow(t.db, id)).toMatchObject({ state: "dead", attempts: 1, deadReason: "interrupted" });

    const rescuer = log.worker({ supervisor: false });
    await eventually(() => retry.every((id) => messageRow(t.db, id).state === "done"), "the retried messages done");
    expect(await rescuer.stop(), rescuer.output()).toBe(0);
    for (const id of retry) expect(messageRow(t.db, id)).toMatchObject({ state: "done", attempts: 2, deadReason: null });
    for (const id of once) expect(messageRow(t.db, id).state).toBe("dead"); // never run a second time
    expect(log.runs().filter((r) => once.includes(r.id))).toHaveLength(2);
  });
});
