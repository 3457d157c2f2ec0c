import "server-only";
import { statSync } from "node:fs";
import type { Db } from "../client";
import { declaredActors } from "../../queue/actors";
import { perDb } from "../per-db";
import { tmuxFromConfig } from "../../tmux/client";
import { jsonList, workerStatuses, type WorkerStatus } from "./workers";

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

export interface DbHealth {
  ok: boolean;
  file: string;
  sizeBytes: number;
  walBytes: number;
  /** The last checkpoint this web process ran (passive: it never blocks readers or writers). */
  lastCheckpoint: { at: number; walFrames: number; checkpointed: number } | null;
  error?: string;
}

export interface TmuxHealth {
  reachable: boolean;
  socket: string | null;
  error?: string;
  sessions: { name: string; attached: boolean; windows: number; agents: string[] }[];
}

export interface Health {
  ok: boolean;
  now: number;
  db: DbHealth;
  workers: WorkerStatus[];
  queues: QueueHealth[];
  tmux: TmuxHealth;
  /** Why `ok` is false, one sentence per part that is down. */
  problems: string[];
}

const statements = perDb(({ $client: c }) => ({
  queues: c.prepare(
    `SELECT queue, sum(state = 'ready') AS ready, sum(state = 'leased') AS leased,
       sum(state = 'dead' AND discarded_at IS NULL) AS dead,
       min(CASE WHEN state = 'ready' THEN created_at END) AS oldestReadyAt
     FROM messages WHERE state IN ('ready', 'leased', 'dead') GROUP BY queue ORDER BY queue`,
  ),
  pendingActors: c.prepare("SELECT DISTINCT queue, actor FROM messages WHERE state = 'ready'"),
  agents: c.prepare("SELECT id, sessions FROM agents"),
  pageStats: c.prepare("SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()"),
}));

/** Checkpoint at most this often from health checks (SQLite keeps no record of when one ran). */
const CHECKPOINT_EVERY_MS = 60_000;
const checkpoints = new WeakMap<Db, DbHealth["lastCheckpoint"]>();

/** The health page and `/api/health`: every part, and whether each is up. */
export async function health(db: Db, now = Date.now()): Promise<Health> {
  const problems: string[] = [];
  const workers = workerStatuses(db, now);
  const live = workers.filter((w) => w.state === "up");
  if (live.length === 0) problems.push("No worker is running (no fresh heartbeat): approved commands will not run.");

  const dbHealth = databaseHealth(db, now);
  if (!dbHealth.ok) problems.push(`The database cannot be read: ${dbHealth.error}`);

  const queues = dbHealth.ok ? queueHealth(db, live) : [];
  for (const q of queues) {
    if (q.ready > 0 && q.actorsWithoutConsumer.length > 0) {
      problems.push(`Queue "${q.queue}" has work for ${q.actorsWithoutConsumer.join(", ")} and no live worker handles it.`);
    }
  }

  const tmux = await tmuxHealth(dbHealth.ok ? db : null);
  if (!tmux.reachable) problems.push(`tmux is not reachable: ${tmux.error ?? "no server"}.`);

  return { ok: problems.length === 0, now, db: dbHealth, workers, queues, tmux, problems };
}

function databaseHealth(db: Db, now: number): DbHealth {
  const file = db.$client.name;
  try {
    const size = (statements(db).pageStats.get() as { size: number }).size;
    let last = checkpoints.get(db) ?? null;
    if (!last || now - last.at >= CHECKPOINT_EVERY_MS) {
      const r = db.$client.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
      last = { at: now, walFrames: r[0]?.log ?? 0, checkpointed: r[0]?.checkpointed ?? 0 };
      checkpoints.set(db, last);
    }
    return { ok: true, file, sizeBytes: size, walBytes: fileSize(file + "-wal"), lastCheckpoint: last };
  } catch (err) {
    return { ok: false, file, sizeBytes: 0, walBytes: 0, lastCheckpoint: null, error: (err as Error).message };
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function queueHealth(db: Db, live: WorkerStatus[]): QueueHealth[] {
  const s = statements(db);
  const rows = s.queues.all() as Omit<QueueHealth, "actorsWithoutConsumer">[];
  const waiting = s.pendingActors.all() as { queue: string; actor: string }[];
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

async function tmuxHealth(db: Db | null): Promise<TmuxHealth> {
  const tmux = tmuxFromConfig();
  const socket = tmux.socket ?? null;
  const owners = new Map<string, string[]>();
  if (db) {
    for (const a of statements(db).agents.all() as { id: string; sessions: string }[]) {
      for (const session of jsonList(a.sessions)) owners.set(session, [...(owners.get(session) ?? []), a.id]);
    }
  }
  try {
    const sessions = await tmux.listSessions();
    // A tmux server exits when its last session ends, so no sessions means no server.
    if (sessions.length === 0) return { reachable: false, socket, error: `no tmux server on ${tmux.label}`, sessions: [] };
    return {
      reachable: true,
      socket,
      sessions: sessions.map((s) => ({ name: s.name, attached: s.attached, windows: s.windows, agents: owners.get(s.name) ?? [] })),
    };
  } catch (err) {
    return { reachable: false, socket, error: (err as Error).message, sessions: [] };
  }
}
