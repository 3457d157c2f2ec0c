// The runner's outbox: reports not yet taken by the server, kept across a restart of the runner,
// in one journal that stays small however many reports pass through it.
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JOURNAL, Outbox } from "../../lib/runner/outbox";
import type { Report } from "../../lib/runners/protocol";

const report = (id: number, output = `output of ${id}`): Report => ({
  id,
  leaseToken: `lease-${id}`,
  outcome: { kind: "finished", exitCode: 0, output, outputTruncated: false, error: null, finishedAt: 1_700_000_000_000 + id },
});
const put = (box: Outbox, r: Report) => box.put(r.id, JSON.stringify(r));

describe("the runner's outbox", () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), "gh-outbox-")), "outbox");
  });
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it("gives the next run of the runner exactly the reports not yet taken", async () => {
    const box = new Outbox(dir);
    for (const id of [1, 2, 3, 4]) put(box, report(id));
    box.remove(2);
    box.remove(4);
    box.remove(4); // a second answer for the same report changes nothing
    expect(await new Outbox(dir).pending()).toEqual([report(1), report(3)]);
  });

  it("skips a report cut short by a crash, and keeps whole the ones written after the restart", async () => {
    put(new Outbox(dir), report(1));
    appendFileSync(path.join(dir, JOURNAL), JSON.stringify(report(2)).slice(0, 40));
    const restarted = new Outbox(dir);
    expect(await restarted.pending()).toEqual([report(1)]);
    put(restarted, report(3));
    restarted.remove(1);
    expect(await new Outbox(dir).pending()).toEqual([report(3)]);
  });

  it("stays small however many reports pass through it", async () => {
    const box = new Outbox(dir);
    const big = "x".repeat(100_000);
    put(box, report(1)); // waits all along
    for (let id = 2; id < 200; id++) {
      put(box, report(id, big));
      box.remove(id);
    }
    expect(statSync(path.join(dir, JOURNAL)).size).toBeLessThan(1_300_000);
    expect(await new Outbox(dir).pending()).toEqual([report(1)]);
  });

  it("sends the reports an earlier version left in files of their own, and removes each once taken", async () => {
    put(new Outbox(dir), report(1));
    writeFileSync(path.join(dir, "7.json"), JSON.stringify(report(7)));
    const box = new Outbox(dir);
    expect(await box.pending()).toEqual([report(1), report(7)]);
    box.remove(7);
    expect(readdirSync(dir).filter((f) => f.endsWith(".json"))).toEqual([]);
    expect(await new Outbox(dir).pending()).toEqual([report(1)]);
  });
});
