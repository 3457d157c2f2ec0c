import "server-only";
import { config } from "../config";
import type { DatabaseInfo, QueueCounts, RunnerRecord, Store } from "../db/store";
import { sessionsOf } from "../auth/agents";
import { declaredActors } from "../queue/actors";
import { workerStatuses, type WorkerStatus } from "../queue/workers";
import { tmuxFromConfig } from "../tmux/client";

export interface QueueHealth {
  queue: string;
  /** Messages ready to run now or later (delays, backoff), and those a worker holds. */
  ready: number;
  leased: number;
  dead: number;
  /** When the oldest ready message was enqueued (ms), or null. */
  oldestReadyAt: number | null;
  /** Actors with messages on this queue (or declared for it) that no live worker handles. */
  actorsWithoutConsumer: string[];
}

/** The database as the health page shows it: what the store reports, and whether it answered. */
export type DbHealth = { ok: boolean; error?: string } & Omit<DatabaseInfo, "sizeBytes"> & { sizeBytes: number };

export interface TmuxHealth {
  reachable: boolean;
  socket: string | null;
  error?: string;
  sessions: { name: string; attached: boolean; windows: number; agents: string[] }[];
  /**
   * Agents' sessions whose commands the local worker runs (no runner holds them). With none, the
   * local tmux server is not needed: every command runs on a runner's host.
   */
  localSessions: string[];
}

/** A runner as the health page shows it: `connected` while it was seen within its lease. */
export interface RunnerStatus extends RunnerRecord {
  state: "connected" | "gone" | "revoked";
}

export interface Health {
  ok: boolean;
  now: number;
  db: DbHealth;
  workers: WorkerStatus[];
  runners: RunnerStatus[];
  queues: QueueHealth[];
  tmux: TmuxHealth;
  /** Why `ok` is false, one sentence per part that is down. */
  problems: string[];
}

/** The health page and `/api/health`: every part, and whether each is up. */
export async function health(store: Store, now = Date.now()): Promise<Health> {
  const problems: string[] = [];
  const dbHealth = await databaseHealth(store, now);
  if (!dbHealth.ok) problems.push(`The database cannot be read: ${dbHealth.error}`);
  const workers = dbHealth.ok ? await workerStatuses(store, now) : [];
  const live = workers.filter((w) => w.state === "up");
  if (live.length === 0) problems.push("No worker is running (no fresh heartbeat): approved commands will not run.");

  const queues = dbHealth.ok ? await queueHealth(store, live) : [];
  for (const q of queues) {
    if (q.ready > 0 && q.actorsWithoutConsumer.length > 0) {
      problems.push(`Queue "${q.queue}" has work for ${q.actorsWithoutConsumer.join(", ")} and no live worker handles it.`);
    }
  }

  const runners = dbHealth.ok ? runnerStatuses(await store.listRunners(), now) : [];
  for (const r of runners) {
    if (r.state === "gone") problems.push(`Runner ${r.id} is not connected: commands of ${r.sessions.join(", ")} will wait for it.`);
  }

  const tmux = await tmuxHealth(dbHealth.ok ? store : null, runners);
  if (!tmux.reachable && (!dbHealth.ok || tmux.localSessions.length > 0)) {
    problems.push(`tmux is not reachable: ${tmux.error ?? "no server"}.`);
  }

  return { ok: problems.length === 0, now, db: dbHealth, workers, runners, queues, tmux, problems };
}

function runnerStatuses(rows: RunnerRecord[], now: number): RunnerStatus[] {
  // A connected runner is heard from at least once per lease (its heartbeat), idle or not.
  const leaseMs = config().GATEHOUSE_RUNNER_LEASE_SEC * 1000;
  return rows.map((r) => ({
    ...r,
    state: r.revokedAt !== null ? "revoked" : r.lastSeenAt !== null && now - r.lastSeenAt <= leaseMs ? "connected" : "gone",
  }));
}

async function databaseHealth(store: Store, now: number): Promise<DbHealth> {
  try {
    return { ok: true, ...(await store.databaseInfo(now)) };
  } catch (err) {
    return { ok: false, kind: store.kind, location: "", sizeBytes: 0, error: (err as Error).message };
  }
}

async function queueHealth(store: Store, live: WorkerStatus[]): Promise<QueueHealth[]> {
  const [rows, waiting]: [QueueCounts[], { queue: string; actor: string }[]] = await Promise.all([store.queueCounts(), store.readyActors()]);
  const byQueue = new Map<string, Set<string>>();
  const note = (queue: string, actor: string) => {
    if (!byQueue.has(queue)) byQueue.set(queue, new Set());
    byQueue.get(queue)!.add(actor);
  };
  for (const w of waiting) note(w.queue, w.actor);
  for (const a of declaredActors()) note(a.queue, a.name);

  const names = new Set([...rows.map((r) => r.queue), ...byQueue.keys()]);
  return [...names].sort().map((queue) => {
    const row = rows.find((r) => r.queue === queue);
    const actors = [...(byQueue.get(queue) ?? [])];
    // A worker that lists no queues serves them all.
    const consumes = (actor: string) =>
      live.some((w) => w.actors.includes(actor) && (w.queues.length === 0 || w.queues.includes(queue)));
    return {
      queue,
      ready: row?.ready ?? 0,
      leased: row?.leased ?? 0,
      dead: row?.dead ?? 0,
      oldestReadyAt: row?.oldestReadyAt ?? null,
      actorsWithoutConsumer: actors.filter((a) => !consumes(a)).sort(),
    };
  });
}

async function tmuxHealth(store: Store | null, runners: RunnerStatus[]): Promise<TmuxHealth> {
  const tmux = tmuxFromConfig();
  const socket = tmux.socket ?? null;
  const owners = new Map<string, string[]>();
  if (store) {
    for (const a of await store.listAgents()) {
      for (const session of sessionsOf(a)) owners.set(session, [...(owners.get(session) ?? []), a.id]);
    }
  }
  // A revoked runner's sessions are the local worker's again.
  const onRunners = new Set(runners.filter((r) => r.state !== "revoked").flatMap((r) => r.sessions));
  const localSessions = [...owners.keys()].filter((s) => !onRunners.has(s)).sort();
  try {
    const sessions = await tmux.listSessions();
    // A tmux server exits when its last session ends, so no sessions means no server.
    if (sessions.length === 0) return { reachable: false, socket, error: `no tmux server on ${tmux.label}`, sessions: [], localSessions };
    return {
      reachable: true,
      socket,
      sessions: sessions.map((s) => ({ name: s.name, attached: s.attached, windows: s.windows, agents: owners.get(s.name) ?? [] })),
      localSessions,
    };
  } catch (err) {
    return { reachable: false, socket, error: (err as Error).message, sessions: [], localSessions };
  }
}
