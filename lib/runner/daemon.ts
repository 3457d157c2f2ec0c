import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Lease } from "../db/store";
import { MAX_REPORTS, type Outcome, type Report, type RunnerJob } from "../runners/protocol";
import { sweepJobDirs } from "../requests/job-dirs";
import { stopUnrecordedJobs } from "../requests/orphan-jobs";
import type { Tmux } from "../tmux/client";
import { RunnerClient, ServerError } from "./client";
import { Outbox } from "./outbox";
import { runJob } from "./run-job";

export interface RunnerOptions {
  server: string;
  token: string;
  /** Commands run at once. (Notices, which take no time, come on top.) */
  concurrency: number;
  /** Holds jobs/, inbox/ and outbox/ (reports not yet accepted). */
  dataDir: string;
  tmux: Tmux;
  outputCapBytes: number;
  /** Job directories untouched this long, of jobs not running here, are removed (GATEHOUSE_DONE_RETENTION_HOURS). */
  jobRetentionMs: number;
  log: (line: string) => void;
}

/** How long the server may hold one claim while there is nothing to do, in seconds. */
const WAIT_SEC = 25;
/** After a failed call, wait this long, doubling up to MAX_BACKOFF_MS: no hot loop while the server is away. */
const BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;
/** Reports go together in one call while their JSON stays under this; a larger one goes alone. */
const BATCH_BYTES = 48 * 1024;
/** How often old job directories are looked for. */
const SWEEP_MS = 3600_000;
/**
 * A delivered notice's report waits up to this long for a command's to go with it in one call.
 * (Its lease is kept meanwhile; it holds none of the runner's command slots.)
 */
const NOTICE_REPORT_WAIT_MS = 200;
/**
 * Once every command slot has been taken this long, the runner also waits for its sessions'
 * notices alone (a claim for no commands), rather than until a command ends: a rejection must not
 * wait out someone's hour-long build. (While slots turn over, the reports' answers bring notices.)
 */
const NOTICES_ALONE_AFTER_MS = 1_000;

/** A report waiting to be sent, the length of its JSON, and whether it is a command's. */
interface Queued {
  report: Report;
  bytes: number;
  command: boolean;
}

/** Takes the first reports of `queue` that go in one call: up to MAX_REPORTS, and BATCH_BYTES unless alone. */
function takeBatch(queue: Queued[]): Report[] {
  let n = 0;
  for (let bytes = 0; n < queue.length && n < MAX_REPORTS; n++) {
    bytes += queue[n]!.bytes;
    if (n > 0 && bytes > BATCH_BYTES) break;
  }
  return queue.splice(0, n).map((q) => q.report);
}

interface Running {
  job: RunnerJob;
  controller: AbortController;
  /** When it was received: a heartbeat sent before then knew nothing of it. */
  since: number;
  /** It has ended and its report is on the way: the server may already have let its lease go. */
  ended: boolean;
}

/**
 * The runner: long-polls the server for its sessions' jobs (one open request while it has a free
 * slot, never a polling loop), runs each on this host, and reports how each ended. A report is on
 * disk before it is first sent and is sent until the server accepts it. The heartbeat keeps its
 * leases; a job whose lease the server no longer lists (it ran out, the runner was partitioned)
 * is stopped, and never started again.
 */
export class RunnerDaemon {
  private readonly client: RunnerClient;
  private readonly outbox: Outbox;
  private readonly running = new Map<number, Running>();
  /** Reports on their way to the server. */
  private readonly sending = new Set<Promise<unknown>>();
  private stopping = false;
  /** Set once the last job has ended while stopping: the heartbeat stops then, not before. */
  private heartbeatStopped = false;
  private poll: AbortController | undefined;
  private slotFreed: (() => void) | undefined;
  /** False once the server has refused a claim for notices alone (a version from before them). */
  private noticesAlone = true;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private leaseMs = 30_000;
  private idle: (() => void) | undefined;
  /** Reports of ended jobs waiting for the report call on its way, and whether one is. */
  private readonly toReport: Queued[] = [];
  private reporting = false;
  private noticeReportTimer: NodeJS.Timeout | undefined;
  /** Each session's last notice on its way: the next waits for it, so that they arrive in order. */
  private readonly lastNotice = new Map<string, Promise<Outcome>>();

  constructor(private readonly opts: RunnerOptions) {
    this.client = new RunnerClient(opts.server, opts.token);
    this.outbox = new Outbox(path.join(opts.dataDir, "outbox"));
  }

  async start(): Promise<void> {
    // A command an earlier run of this runner left running (it was killed) has no one to report
    // it: its lease runs out and the server ends it dead (interrupted). It must not run on.
    const stopped = await stopUnrecordedJobs(this.opts.tmux, path.join(this.opts.dataDir, "jobs"), async () => new Set()).catch((e: unknown) => {
      this.opts.log(`could not look for commands left running: ${(e as Error).message}`);
      return [];
    });
    if (stopped.length) this.opts.log(`stopped commands left running by an earlier run: requests ${stopped.join(", ")}`);
    for (const report of await this.outbox.pending()) this.send(report);
    this.scheduleHeartbeat(0);
    this.sweepJobDirs();
    this.sweepTimer = setInterval(() => this.sweepJobDirs(), SWEEP_MS).unref();
    void this.pollLoop();
  }

  private async pollLoop(): Promise<void> {
    let backoff = BACKOFF_MS;
    while (!this.stopping) {
      if (this.commandsHeld() >= this.opts.concurrency && !(await this.busyAWhile())) continue;
      const free = Math.max(0, this.opts.concurrency - this.commandsHeld());
      const poll = (this.poll = new AbortController());
      // Waiting for notices alone, a freed slot makes it ask again, for commands.
      if (free === 0) this.slotFreed = () => this.commandsHeld() < this.opts.concurrency && poll.abort();
      try {
        const sentAt = Date.now();
        const { jobs, leaseMs } = await this.client.claim(free, WAIT_SEC, poll.signal);
        this.leaseMs = leaseMs;
        backoff = BACKOFF_MS;
        for (const job of await this.stillHeld(jobs, sentAt)) this.launch(job);
      } catch (e) {
        if (this.stopping) break;
        if (free === 0 && poll.signal.aborted) continue;
        if (free === 0 && e instanceof ServerError && e.status === 422) {
          this.noticesAlone = false;
          this.opts.log(`the server cannot hand out notices alone (an older version): they wait for a free command slot. ${e.message}`);
          continue;
        }
        if (e instanceof ServerError && e.status === 401) {
          this.opts.log(`the server refuses this runner's token (revoked?): stopping. ${e.message}`);
          void this.stop(0);
          break;
        }
        this.opts.log(`claiming failed; trying again in ${backoff} ms: ${(e as Error).message}`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /**
   * Waits while every command slot is taken: false as soon as one is freed, true once none has been
   * for NOTICES_ALONE_AFTER_MS (then it is time to wait for notices alone).
   */
  private busyAWhile(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.noticesAlone ? setTimeout(() => resolve(true), NOTICES_ALONE_AFTER_MS) : undefined;
      this.slotFreed = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }

  /**
   * The jobs of a claim that may be started. An answer that took longer than half a lease may
   * have waited out the lease on the way (this process stopped, the network partitioned, the
   * answer sitting in a socket buffer) and the server may have ended those jobs meanwhile: a
   * heartbeat says which are still ours, and the others are never started.
   */
  private async stillHeld(jobs: RunnerJob[], sentAt: number): Promise<RunnerJob[]> {
    if (!jobs.length || Date.now() - sentAt < this.leaseMs / 2) return jobs;
    const { held } = await this.client.heartbeat();
    const ours = new Set(held.map((l) => `${l.id}/${l.leaseToken}`));
    const kept = jobs.filter((j) => ours.has(`${j.id}/${j.leaseToken}`));
    for (const j of jobs) if (!kept.includes(j)) this.opts.log(`message ${j.id}: abandoned before it started (the server ended it while its answer was on the way)`);
    return kept;
  }

  /** Commands received and not yet reported: what `concurrency` limits. */
  private commandsHeld(): number {
    let n = 0;
    for (const run of this.running.values()) if (run.job.kind === "command") n++;
    return n;
  }

  private launch(job: RunnerJob): void {
    const run: Running = { job, controller: new AbortController(), since: Date.now(), ended: false };
    this.running.set(job.id, run);
    const ctx = {
      tmux: this.opts.tmux,
      client: this.client,
      jobsDir: path.join(this.opts.dataDir, "jobs"),
      inboxDir: path.join(this.opts.dataDir, "inbox"),
      outputCapBytes: this.opts.outputCapBytes,
      signal: run.controller.signal,
    };
    if (job.kind === "command") this.opts.log(`request ${job.requestId}: running in ${job.session}`);
    void (job.kind === "notice" ? this.afterLastNotice(job.session, () => runJob(job, ctx)) : runJob(job, ctx)).then((outcome) => {
      run.ended = true;
      this.finish(job, outcome);
    });
  }

  /** Delivers a session's notices one after another, in the order they were given (runJob never throws). */
  private afterLastNotice(session: string, deliver: () => Promise<Outcome>): Promise<Outcome> {
    const delivered = (this.lastNotice.get(session) ?? Promise.resolve()).then(deliver);
    this.lastNotice.set(session, delivered);
    void delivered.then(() => {
      if (this.lastNotice.get(session) === delivered) this.lastNotice.delete(session);
    });
    return delivered;
  }

  /**
   * Keeps a job's report on disk and queues it for the next report call, which also asks for a job
   * to take this one's slot (none while stopping): a session's next command comes back in the
   * answer, without a claim of its own. The slot stays taken until then.
   */
  private finish(job: RunnerJob, outcome: Outcome): void {
    if (job.kind === "command") this.opts.log(`request ${job.requestId}: ${outcome.kind}${"error" in outcome && outcome.error ? ` (${outcome.error})` : ""}`);
    const report: Report = { id: job.id, leaseToken: job.leaseToken, outcome };
    const text = JSON.stringify(report);
    try {
      this.outbox.put(report.id, text);
    } catch (e) {
      this.opts.log(`could not keep the report of message ${job.id} on disk (${(e as Error).message}); sending it anyway`);
    }
    this.toReport.push({ report, bytes: text.length, command: job.kind === "command" });
    this.reportSoon(job.kind === "command");
  }

  /**
   * Starts a report call, unless one is on its way: at once for a command's report (its slot waits
   * for the answer), or when stopping; after NOTICE_REPORT_WAIT_MS when only notices' reports wait,
   * so that they mostly go with a command's instead of in calls of their own.
   */
  private reportSoon(now: boolean): void {
    if (this.reporting || this.toReport.length === 0) return;
    if (now || this.stopping) {
      void this.track(this.reportQueued());
      return;
    }
    this.noticeReportTimer ??= setTimeout(() => {
      this.noticeReportTimer = undefined;
      this.reportSoon(true);
    }, NOTICE_REPORT_WAIT_MS);
  }

  /**
   * Sends the queued reports, one call at a time: the reports of jobs that end while a call is on
   * its way go together in the next (one round trip for several jobs, as a database's group
   * commit). Each batch frees its jobs' slots and starts the jobs given in its answer. Notices'
   * reports left alone at the end wait for company (reportSoon).
   */
  private async reportQueued(): Promise<void> {
    this.reporting = true;
    clearTimeout(this.noticeReportTimer);
    this.noticeReportTimer = undefined;
    do {
      const batch = takeBatch(this.toReport);
      // The command slots these reports free; notices never took one.
      const claim = this.stopping ? 0 : batch.filter((r) => this.running.get(r.id)?.job.kind === "command").length;
      const sentAt = Date.now();
      const given = await this.trySend(batch, claim);
      if (given === undefined) for (const report of batch) this.send(report, true);
      const started = given === undefined ? [] : await this.stillHeld(given, sentAt).catch((e: unknown) => {
        this.opts.log(`could not check that the jobs given with a report are still this runner's (${(e as Error).message}); not starting them`);
        return [];
      });
      for (const report of batch) this.running.delete(report.id);
      for (const job of started) {
        if (this.stopping) this.finish(job, { kind: "not_started", error: "the runner was stopping when it was given this" });
        else this.launch(job);
      }
      this.slotFreed?.();
      if (this.running.size === 0) this.idle?.();
    } while (this.toReport.some((q) => q.command) || (this.stopping && this.toReport.length > 0));
    this.reporting = false;
    this.reportSoon(false);
  }

  /**
   * Sends reports once. Resolves with the jobs given with the answer once they need no more tries
   * (accepted, already recorded, or one refused for good, when its file is dropped), undefined
   * when each must be sent again (a batch refused is tried one report at a time, to find the one).
   */
  private async trySend(reports: readonly Report[], claim: number): Promise<RunnerJob[] | undefined> {
    try {
      const { recorded, jobs, leaseMs } = await this.client.report(reports, claim);
      this.leaseMs = leaseMs;
      reports.forEach((report, i) => {
        if (!recorded[i]) this.opts.log(`message ${report.id}: already recorded, or its lease ran out (the server ended it)`);
        this.outbox.remove(report.id);
      });
      return jobs;
    } catch (e) {
      // 4xx other than an unreachable server or a busy one: this report will never be taken.
      if (e instanceof ServerError && e.status >= 400 && e.status < 500 && e.status !== 429 && e.status !== 401 && reports.length === 1) {
        this.opts.log(`message ${reports[0]!.id}: the server refuses its report (${e.message}); dropped`);
        this.outbox.remove(reports[0]!.id);
        return [];
      }
      this.opts.log(`${reports.length === 1 ? `message ${reports[0]!.id}: report` : `reports of messages ${reports.map((r) => r.id).join(", ")}`} not accepted yet (${(e as Error).message}); trying again`);
      return undefined;
    }
  }

  /** Sends a report alone until it needs no more tries, waiting longer after each failure (and before the first, after a failed one). */
  private send(report: Report, failedBefore = false): void {
    void this.track(
      (async () => {
        for (let backoff = BACKOFF_MS; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)) {
          if (failedBefore) await sleep(backoff);
          failedBefore = true;
          if ((await this.trySend([report], 0)) !== undefined) return;
        }
      })(),
    );
  }

  /** Keeps `sending` while it is on its way: a stopping runner waits a little for it. */
  private track<T>(sending: Promise<T>): Promise<T> {
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
    return sending;
  }

  /** The server keeps every result: a job's directory here is only for a while after it ran. */
  private sweepJobDirs(): void {
    const running = new Set([...this.running.values()].flatMap(({ job }) => (job.kind === "command" ? [job.requestId] : [])));
    sweepJobDirs({ root: path.join(this.opts.dataDir, "jobs"), retentionMs: this.opts.jobRetentionMs }, async () => running).then(
      (n) => n && this.opts.log(`removed ${n} old job director${n === 1 ? "y" : "ies"}`),
      (e: unknown) => this.opts.log(`could not remove old job directories: ${(e as Error).message}`),
    );
  }

  private scheduleHeartbeat(ms: number): void {
    if (this.heartbeatStopped) return;
    // Five beats per lease: a beat or two lost to a slow network never loses a lease.
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), ms);
  }

  private async heartbeat(): Promise<void> {
    const sentAt = Date.now();
    try {
      const { held, leaseMs } = await this.client.heartbeat();
      this.leaseMs = leaseMs;
      this.abandonLost(held, sentAt);
    } catch (e) {
      this.opts.log(`heartbeat failed: ${(e as Error).message}`);
    }
    this.scheduleHeartbeat(Math.max(200, this.leaseMs / 5));
  }

  /** Stops the jobs the server no longer lists as ours: their leases ran out and they were ended there. */
  private abandonLost(held: readonly Lease[], sentAt: number): void {
    const ours = new Set(held.map((l) => `${l.id}/${l.leaseToken}`));
    for (const run of this.running.values()) {
      if (run.since < sentAt && !run.ended && !ours.has(`${run.job.id}/${run.job.leaseToken}`) && !run.controller.signal.aborted) {
        this.opts.log(`message ${run.job.id}: the server ended it (lease lost); stopping it here`);
        run.controller.abort(new Error("the server says this runner no longer holds it (its lease ran out)"));
      }
    }
  }

  /**
   * Stops claiming, lets running jobs finish for up to `graceMs`, stops the rest (reported
   * interrupted), and waits a little for reports to be accepted; what is not stays on disk for
   * the next start to send.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.poll?.abort();
    this.slotFreed?.();
    this.reportSoon(true);
    // The heartbeat goes on while running jobs finish: their leases must not run out meanwhile
    // (the server would end a command dead as interrupted while it still runs here).
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
    }
    for (const run of this.running.values()) run.controller.abort(new Error("the runner is stopping"));
    // Ended jobs' reports may be waiting on a server that does not answer: the wait for them is below.
    while ([...this.running.values()].some((run) => !run.ended)) await sleep(20);
    this.heartbeatStopped = true;
    clearTimeout(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    await Promise.race([Promise.all(this.sending), sleep(5_000)]);
  }
}
