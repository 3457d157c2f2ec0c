import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import type { RunnerIdentity } from "../auth/runners";
import { config } from "../config";
import type { HeldMessage, Lease, Store } from "../db/store";
import { conflict } from "../http/errors";
import { completeMany, completeWith } from "../queue/complete";
import { deadLetter } from "../queue/dead";
import { fail } from "../queue/fail";
import { finishedPlan } from "../requests/lifecycle";
import { jobFiles } from "../tmux/output";
import { jobDirFor } from "../tmux/paths";
import { runnerLeaseMs } from "./hand-out";
import type { Outcome } from "./protocol";

/** Records that the runner is alive and extends its leases; returns those it still holds. */
export function runnerHeartbeat(store: Store, runner: RunnerIdentity): Promise<Lease[]> {
  return store.runnerHeartbeat(runner.id, Date.now(), runnerLeaseMs());
}

function requestIdOf(held: HeldMessage): string {
  return (JSON.parse(held.payload) as { requestId: string }).requestId;
}

/**
 * Records how a job ended. Idempotent by lease: a report for a message the runner no longer holds
 * (already recorded by an earlier copy of this report, or its lease ran out) records nothing and
 * answers false, and the runner stops sending it either way. The caller wakes the waiting runners
 * (see the report route).
 */
export async function recordOutcome(store: Store, runner: RunnerIdentity, lease: Lease, outcome: Outcome): Promise<boolean> {
  const held = await store.runnerLease(runner.id, lease);
  if (!held) return false;
  let recorded: boolean;
  switch (outcome.kind) {
    case "finished":
      recorded = await completeWith(store, held, [
        finishedPlan(requestIdOf(held), { exitCode: outcome.exitCode, output: outcome.output, outputTruncated: outcome.outputTruncated, error: outcome.error, now: outcome.finishedAt }),
      ]);
      break;
    case "delivered":
      recorded = (await completeMany(store, [held])) === 1;
      break;
    case "not_started":
      recorded = (await fail(store, held, new Error(outcome.error))) !== null;
      break;
    case "interrupted":
      recorded = await deadLetter(store, held, "interrupted", outcome.error);
      break;
  }
  return recorded;
}

/**
 * Writes a chunk of a running command's output into the request's job directory on this server,
 * where the request page reads a running command's output (as for a local one). Bytes past the
 * output cap are dropped: the final report carries the capped output.
 */
export async function recordOutput(store: Store, runner: RunnerIdentity, lease: Lease, offset: number, data: Buffer): Promise<void> {
  const held = await store.runnerLease(runner.id, lease);
  if (!held) throw conflict(`Message ${lease.id} is not this runner's (any more).`);
  const cap = config().GATEHOUSE_OUTPUT_CAP_BYTES;
  if (offset >= cap || data.length === 0) return;
  const dir = jobDirFor(requestIdOf(held));
  await mkdir(dir, { recursive: true });
  // Not O_APPEND, under which Linux ignores the position. The first chunk empties what an earlier run left.
  const fh = await open(jobFiles(dir).output, constants.O_WRONLY | constants.O_CREAT | (offset === 0 ? constants.O_TRUNC : 0));
  try {
    // At its offset, so a chunk sent twice (a retry) is written once.
    await fh.write(data.subarray(0, cap - offset), 0, Math.min(data.length, cap - offset), offset);
  } finally {
    await fh.close();
  }
}
