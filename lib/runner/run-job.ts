import path from "node:path";
import type { Tmux } from "../tmux/client";
import { notify } from "../tmux/notify";
import { jobFiles } from "../tmux/output";
import { CommandInterrupted, runRequestCommand } from "../tmux/run-request";
import type { Outcome, RunnerJob } from "../runners/protocol";
import type { RunnerClient } from "./client";
import { streamOutput } from "./live-output";

export interface JobContext {
  tmux: Tmux;
  client: RunnerClient;
  /** This host's job directories and inboxes. */
  jobsDir: string;
  inboxDir: string;
  outputCapBytes: number;
  /** Aborting stops a running command (the runner is stopping, or the server says the lease is gone). */
  signal: AbortSignal;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Runs one job on this host and says how it ended; never throws. A command runs through the same
 * lib/tmux code as the local worker's (its own window, the wrapper, the output cap, the time limit,
 * the process-group kill), with its output streamed to the server while it runs.
 */
export async function runJob(job: RunnerJob, ctx: JobContext): Promise<Outcome> {
  if (job.kind === "notice") {
    try {
      await notify(ctx.tmux, job.session, job.text, { inboxDir: ctx.inboxDir });
      return { kind: "delivered" };
    } catch (e) {
      return { kind: "not_started", error: message(e) };
    }
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(job.requestId)) return { kind: "not_started", error: `invalid request id ${job.requestId}` };
  const jobDir = path.join(ctx.jobsDir, job.requestId);
  let stopStreaming: (() => void) | undefined;
  try {
    const { result, error } = await runRequestCommand(ctx.tmux, job, {
      jobDir,
      signal: ctx.signal,
      onStarted: () => {
        stopStreaming = streamOutput(ctx.client, job, jobFiles(jobDir).output, ctx.outputCapBytes);
      },
    });
    return { kind: "finished", exitCode: result.exitCode, output: result.output, outputTruncated: result.outputTruncated, error, finishedAt: result.finishedAt.getTime() };
  } catch (e) {
    return { kind: e instanceof CommandInterrupted ? "interrupted" : "not_started", error: message(e) };
  } finally {
    stopStreaming?.();
  }
}
