/**
 * approve_to_start_p50_ms / _p95_ms, for the tmux group: a supervisor's approval (approveRequest,
 * the function behind POST /api/requests/:id/approve, in this process) → the command's own first
 * instruction in tmux (it stamps $EPOCHREALTIME). Between them: the approval's transaction, a real
 * worker process noticing the commit, claiming, the guarded queued → running write, the job
 * files, new-window and the wrapper. One request at a time, on an otherwise idle worker; the
 * request gives its cwd (without one, the worker asks tmux for the pane's directory: one call more).
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createAgent } from "../../lib/auth/agents";
import type { UserIdentity } from "../../lib/auth/users";
import { approveRequest, getRequest } from "../../lib/requests/lifecycle";
import { submitRequest } from "../../lib/requests/submit";
import type { Tmux } from "../../lib/tmux/client";
import { tempDb } from "../../tests/support/temp-db";
import { startWorker } from "../../tests/support/worker-process";
import { percentile, round, type Emit } from "./figures";

const WARMUP = 20;
const SAMPLES = 200;
const supervisor: UserIdentity = { id: "bench", name: "bench", role: "supervisor" };

export async function approveToStart(emit: Emit, tmux: Tmux, dir: string): Promise<void> {
  const session = "bench-approve";
  await tmux.createSession(session, { cwd: dir });
  const t = tempDb("gh-bench-approve-");
  const worker = startWorker({
    db: t.env,
    env: { GATEHOUSE_TMUX_SOCKET: tmux.socket ?? "", GATEHOUSE_JOBS_DIR: path.join(t.dir, "jobs") },
  });
  try {
    await worker.ready();
    const agent = (await createAgent(t.store, { id: "bench-agent", sessions: [session] })).agent;
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const { request } = await submitRequest(t.store, agent, {
        session,
        command: "echo $EPOCHREALTIME",
        cwd: dir,
        priority: "NORMAL",
        autoApprove: false,
        kind: "run",
      });
      const approvedAt = performance.timeOrigin + performance.now(); // wall clock, as bash sees it
      await approveRequest(t.store, request.id, supervisor);
      let row = await getRequest(t.store, request.id);
      while (row?.status !== "succeeded") {
        if (row?.status === "failed" || row?.status === "dead") throw new Error(`bench request ${request.id} is ${row.status}: ${row.lastError}`);
        await sleep(2); // only paces the next sample; the figure comes from the command's own clock
        row = await getRequest(t.store, request.id);
      }
      if (i >= WARMUP) latencies.push(Number(row.output?.trim()) * 1000 - approvedAt);
    }
    latencies.sort((a, b) => a - b);
    emit("approve_to_start_p50_ms", round(percentile(latencies, 50)), "ms");
    emit("approve_to_start_p95_ms", round(percentile(latencies, 95)), "ms");
  } finally {
    await worker.stop();
    await t.cleanup();
  }
}
