import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { sweepEndedJobDirs } from "../../lib/requests/job-dirs";
import { jobDirFor } from "../../lib/tmux/paths";
import { loadConfig } from "../../lib/config";
import { agent, requestIn, type FixtureState } from "../requests/fixtures";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
let root: string;
beforeEach(() => {
  root = path.join(t.dir, "jobs");
});

const HOUR = 3600_000;
const NOW = Date.UTC(2026, 0, 10);

/** A job directory with an output file, last modified `ageMs` before NOW. */
function jobDir(name: string, ageMs: number): void {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "output"), "some output\n");
  const at = new Date(NOW - ageMs);
  utimesSync(dir, at, at);
}

describe("sweepEndedJobDirs", () => {
  it("removes old directories of ended or unknown requests, keeps queued and running ones and recent ones", async () => {
    const who = await agent(t.store);
    const ids = async (states: readonly FixtureState[]) => {
      const made: string[] = [];
      for (const s of states) made.push((await requestIn(t.store, who, s)).id);
      return made;
    };
    const ended = await ids(["succeeded", "failed", "dead"]);
    const [queued, running, recent] = await ids(["queued", "running", "succeeded"]);
    for (const id of [...ended, queued!, running!]) jobDir(id, 25 * HOUR);
    jobDir(recent!, 23 * HOUR);
    jobDir("01ORPHANEDJOBWITHNOREQUEST", 48 * HOUR);

    expect(await sweepEndedJobDirs(t.store, { root, retentionMs: 24 * HOUR, now: NOW })).toBe(4);
    expect(readdirSync(root).sort()).toEqual([queued, recent, running].sort());
    expect(await sweepEndedJobDirs(t.store, { root, retentionMs: 24 * HOUR, now: NOW })).toBe(0);
  });

  it("does nothing before any job ran (no jobs directory)", async () => {
    expect(await sweepEndedJobDirs(t.store, { root, retentionMs: 0, now: NOW })).toBe(0);
    expect(existsSync(root)).toBe(false);
  });

  it("sweeps where the worker writes and the detail page reads: jobDirFor's directory", () => {
    // Job directories go next to GATEHOUSE_DB, which names the data directory on PostgreSQL too.
    const settings = loadConfig({ GATEHOUSE_DB: path.join(t.dir, "gatehouse.db"), ...t.env });
    expect(path.dirname(jobDirFor("01ABC", settings))).toBe(root);
  });
});
