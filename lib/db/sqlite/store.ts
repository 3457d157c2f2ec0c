// The embedded store: one SQLite file (WAL) shared by web and worker. Its operations are
// synchronous better-sqlite3 calls, each one IMMEDIATE transaction; the Store interface is
// asynchronous only so that it matches PostgreSQL's.
import type { Store } from "../store";
import * as auth from "./auth";
import { closeDb, openDb, writeTx, type Db, type OpenDbOptions } from "./client";
import { completeAndClaim, nextDueAt } from "./queue/claim";
import { markDone } from "./queue/complete";
import { deadLetter, discardDead, listDead, requeueDead } from "./queue/dead";
import { insertMessages } from "./queue/enqueue";
import { fail } from "./queue/fail";
import { prune } from "./queue/prune";
import { reclaim } from "./queue/reclaim";
import { release } from "./queue/release";
import { closeSignal, tellWorkers, watchForWork } from "./queue/wake";
import { heartbeat, listWorkers, markWorkerStopped, registerWorker } from "./queue/workers";
import * as reads from "./reads";
import { applyPlans, getRequest, PlanRefused } from "./requests/apply";
import { insertRequest } from "./requests/insert";
import { listRequestRows, listRequests } from "./requests/list";
import { claimForRunner } from "./queue/claim-runner";
import * as runners from "./runners";
import * as requestReads from "./requests/reads";
import * as rules from "./requests/rules";
import * as webhooks from "./webhooks";

export interface SqliteStore extends Store {
  /** The Drizzle handle on the file, for SQLite-only tools (tests, benchmarks, `db copy`). */
  readonly db: Db;
  readonly file: string;
}

/** Opens (and migrates, unless told not to) a SQLite file as a Store. */
export function openSqliteStore(file: string, opts: OpenDbOptions = {}): SqliteStore {
  return sqliteStore(openDb(file, opts));
}

/** A Store over an open Drizzle handle. */
export function sqliteStore(db: Db): SqliteStore {
  const tx = <T>(fn: () => T): T => writeTx(db, fn);
  // After each write that may have changed requests or written work. A connection never sees its
  // own commits in PRAGMA data_version: this store tells its own watchers (as PostgreSQL's NOTIFY
  // reaches the writing process too), once per turn of the event loop; and other processes' idle
  // workers are told of work it wrote, now that it has committed.
  const watchers = new Set<() => void>();
  let telling = false;
  const changed = <T>(result: T): T => {
    tellWorkers(db);
    if (watchers.size && !telling) {
      telling = true;
      setImmediate(() => {
        telling = false;
        for (const watcher of watchers) watcher();
      });
    }
    return result;
  };
  /** After a write that may have written work but changed no request. */
  const told = <T>(result: T): T => {
    tellWorkers(db);
    return result;
  };
  const stops = new Set<() => void>();
  return {
    kind: "sqlite",
    db,
    file: db.$client.name,
    close: async () => {
      for (const stop of stops) stop();
      closeSignal(db);
      closeDb(db);
    },

    enqueue: async (messages) => told(messages.length > 1 ? tx(() => insertMessages(db, messages)) : insertMessages(db, messages)),
    claimLanes: 1,
    completeAndClaim: async (finished, claim) => completeAndClaim(db, finished, claim),
    nextDueAt: async (now) => nextDueAt(db, now),
    completeMany: async (leases, now) => (leases.length ? tx(() => markDone(db, now, leases)) : 0),
    completeWith: async (lease, plans, now) =>
      changed(
        tx(() => {
          if (markDone(db, now, [lease]) !== 1) return false;
          applyPlans(db, plans);
          return true;
        }),
      ),
    fail: async (lease, params, react) => changed(fail(db, lease, params, react)),
    deadLetter: async (lease, reason, error, now, react) => changed(deadLetter(db, lease, reason, error, now, react)),
    release: async (leases, now, react) => changed(release(db, leases, now, react)),
    reclaim: async (now, limit, react) => changed(reclaim(db, now, limit, react)),
    requeueDead: async (id, now, react) => changed(requeueDead(db, id, now, react)),
    discardDead: async (id, now, react) => changed(discardDead(db, id, now, react)),
    listDead: async (query) => listDead(db, query),
    prune: async (params) => prune(db, params),
    registerWorker: async (worker) => registerWorker(db, worker),
    heartbeat: async (id, counters, now, leaseMs) => heartbeat(db, id, counters, now, leaseMs),
    markWorkerStopped: async (id, counters, now) => markWorkerStopped(db, id, counters, now),
    listWorkers: async (since) => listWorkers(db, since),
    watchForWork: (opts) => watchForWork(db, opts),

    getRequest: async (id) => getRequest(db, id),
    insertRequest: async (write) => changed(insertRequest(db, write)),
    apply: async (plans) => {
      try {
        return changed({ ok: true, rows: tx(() => applyPlans(db, plans)) });
      } catch (err) {
        if (err instanceof PlanRefused) return err.refusal;
        throw err;
      }
    },
    markAgentWaited: async (id, at) => requestReads.markAgentWaited(db, id, at),
    duePending: async (now, limit) => requestReads.duePending(db, now, limit),
    idsWithStatus: async (ids, statuses) => requestReads.idsWithStatus(db, ids, statuses),
    statuses: async (ids) => requestReads.statuses(db, ids),
    listRequests: async (query) => listRequests(db, query),
    listRequestRows: async (query) => listRequestRows(db, query),
    listEvents: async (requestId) => requestReads.listEvents(db, requestId),
    watchRequests: (onChange, pollMs) => {
      const stopPolling = requestReads.watchRequests(db, onChange, pollMs);
      watchers.add(onChange);
      const stop = () => {
        watchers.delete(onChange);
        stopPolling();
        stops.delete(stop);
      };
      stops.add(stop);
      return stop;
    },
    listRules: async () => rules.listRules(db),
    addRule: async (rule) => rules.addRule(db, rule),
    deleteRule: async (id) => rules.deleteRule(db, id),
    seedRules: async (seed, marker, now) => rules.seedRules(db, seed, marker, now),

    insertAgent: async (agent) => auth.insertAgent(db, agent),
    agentByTokenHash: async (hash) => auth.agentByTokenHash(db, hash),
    listAgents: async () => auth.listAgents(db),
    insertUser: async (user) => auth.insertUser(db, user),
    setUserTokenHash: async (userId, hash) => auth.setUserTokenHash(db, userId, hash),
    userByTokenHash: async (hash) => auth.userByTokenHash(db, hash),
    userByName: async (name) => auth.userByName(db, name),
    hasAdmin: async () => auth.hasAdmin(db),
    metaValue: async (key, initial) => auth.metaValue(db, key, initial),
    createWebSession: async (session, now) => auth.createWebSession(db, session, now),
    webSessionUser: async (id, now) => auth.webSessionUser(db, id, now),
    deleteWebSession: async (id) => auth.deleteWebSession(db, id),

    insertRunner: async (runner, groups) => runners.insertRunner(db, runner, groups),
    runnerByTokenHash: async (hash) => runners.runnerByTokenHash(db, hash),
    listRunners: async () => runners.listRunners(db),
    revokeRunner: async (id, now) => told(runners.revokeRunner(db, id, now)),
    claimForRunner: async (runnerId, claim) => told(claimForRunner(db, runnerId, claim)),
    runnerHeartbeat: async (id, now, leaseMs) => runners.runnerHeartbeat(db, id, now, leaseMs),
    runnerLease: async (id, lease) => runners.runnerLease(db, id, lease),

    listWebhooks: async () => webhooks.listWebhooks(db),
    getWebhook: async (id) => webhooks.getWebhook(db, id),
    addWebhook: async (hook) => webhooks.addWebhook(db, hook),
    deleteWebhook: async (id) => webhooks.deleteWebhook(db, id),

    statusCounts: async () => reads.statusCounts(db),
    minutes: async (fromMinute) => reads.minutes(db, fromMinute),
    latency: async (fromHour) => reads.latency(db, fromHour),
    oldestPendingAt: async () => reads.oldestPendingAt(db),
    recentCommands: async (window) => reads.recentCommands(db, window),
    queueCounts: async () => reads.queueCounts(db),
    readyActors: async () => reads.readyActors(db),
    databaseInfo: async (now) => reads.databaseInfo(db, now),
  };
}
