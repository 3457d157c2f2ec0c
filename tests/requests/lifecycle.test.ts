import { beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config";
import type { Db } from "../../lib/db/client";
import { ApiError } from "../../lib/http/errors";
import {
  TRANSITIONS,
  approveRequest,
  cancelRequest,
  discardRequest,
  expirePending,
  getRequest,
  markDead,
  markFinished,
  markRetrying,
  markRunning,
  rejectRequest,
  requeueRequest,
  type Transition,
} from "../../lib/requests/lifecycle";
import { listEvents } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { FIXTURE_STATES, agent, alice, bob, requestIn, submit, type FixtureState } from "./fixtures";

const t = useTempDb();
let db: Db;
beforeEach(() => {
  resetConfig();
  db = t.db;
});

const messages = (actor: string) =>
  (db.$client.prepare("SELECT count(*) AS n FROM messages WHERE actor = ?").get(actor) as { n: number }).n;
const payloads = (actor: string) =>
  (db.$client.prepare("SELECT payload FROM messages WHERE actor = ? ORDER BY id").pluck().all(actor) as string[]).map(
    (p) => JSON.parse(p) as Record<string, unknown>,
  );

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected an ApiError");
}

describe("the request lifecycle", () => {
  it("records a submitted request as pending, with who asked in the audit trail", () => {
    const r = submit(db, agent(db));
    expect(r.status).toBe("pending");
    const events = listEvents(db, r.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "agent:backend-api", fromStatus: null, toStatus: "pending" });
  });

  it("approving queues exactly one execution message and tells the agent, in one step", () => {
    const a = agent(db);
    const r = submit(db, a, { priority: "HIGH" });
    const approved = approveRequest(db, r.id, alice, { comment: "fine" });
    expect(approved).toMatchObject({ status: "queued", decidedBy: "alice", decisionComment: "fine" });
    expect(payloads("execute_approved_command")).toEqual([{ requestId: r.id }]);
    expect(payloads("notify_session")).toEqual([{ requestId: r.id, session: "claude-backend-api", event: "approved" }]);
    const msg = db.$client.prepare("SELECT priority, group_key FROM messages WHERE actor = 'execute_approved_command'").get();
    expect(msg).toEqual({ priority: 2, group_key: "claude-backend-api" });
    expect(listEvents(db, r.id).map((e) => [e.actor, e.fromStatus, e.toStatus, e.reason])).toEqual([
      ["agent:backend-api", null, "pending", "no rule allows it"],
      ["alice", "pending", "queued", "fine"],
    ]);
  });

  it("rejecting records the reason as the decision and tells the agent", () => {
    const r = submit(db, agent(db));
    const rejected = rejectRequest(db, r.id, alice, "use the staging database");
    expect(rejected).toMatchObject({ status: "rejected", decidedBy: "alice", decisionComment: "use the staging database" });
    expect(payloads("notify_session")).toEqual([{ requestId: r.id, session: "claude-backend-api", event: "rejected" }]);
    expect(messages("execute_approved_command")).toBe(0);
  });

  it("lets the agent cancel its pending request", () => {
    const a = agent(db);
    const r = submit(db, a);
    expect(cancelRequest(db, r.id, a.id)).toMatchObject({ status: "cancelled", decidedBy: "agent:backend-api" });
  });

  it("runs queued → running → succeeded or failed with exit code and output, and tells the agent", () => {
    const a = agent(db);
    const ok = requestIn(db, a, "succeeded");
    expect(ok).toMatchObject({ status: "succeeded", exitCode: 0, output: "ok\n", attempts: 1 });
    const bad = requestIn(db, a, "failed");
    expect(bad).toMatchObject({ status: "failed", exitCode: 3, output: "boom\n" });
    expect(payloads("notify_session").filter((p) => p.event === "finished")).toHaveLength(2);
  });

  it("puts a running request back to queued when the worker must retry before the command started", () => {
    const r = requestIn(db, agent(db), "running");
    expect(markRetrying(db, r.id, "tmux: no server")).toMatchObject({ status: "queued", lastError: "tmux: no server" });
    expect(markRunning(db, r.id)).toMatchObject({ status: "running", attempts: 2 });
  });

  it("a command that ran past its time limit is failed, with the reason", () => {
    const r = requestIn(db, agent(db), "running");
    const done = markFinished(db, r.id, { exitCode: null, output: "", outputTruncated: false, error: "time limit of 5 s" });
    expect(done).toMatchObject({ status: "failed", lastError: "time limit of 5 s" });
  });

  it("requeues a dead or failed request as a new message, clearing the old result", () => {
    const a = agent(db);
    for (const state of ["dead", "failed"] as const) {
      const r = requestIn(db, a, state);
      const before = messages("execute_approved_command");
      const again = requeueRequest(db, r.id, bob);
      expect(again).toMatchObject({ status: "queued", exitCode: null, output: null, finishedAt: null });
      expect(messages("execute_approved_command")).toBe(before + 1);
    }
  });

  it("discarding keeps a dead request dead, marked discarded, and cannot happen twice", () => {
    const r = requestIn(db, agent(db), "dead");
    const gone = discardRequest(db, r.id, alice);
    expect(gone.status).toBe("dead");
    expect(gone.discardedAt).not.toBeNull();
    expect(conflictOf(() => discardRequest(db, r.id, bob)).message).toMatch(/already discarded/);
  });

  it("answers 404 for a request that does not exist", () => {
    expect(conflictOf(() => approveRequest(db, "nope", alice)).status).toBe(404);
  });
});

const ACTIONS: Record<Transition, (db: Db, id: string, agentId: string) => unknown> = {
  approve: (d, id) => approveRequest(d, id, bob),
  reject: (d, id) => rejectRequest(d, id, bob, "no"),
  cancel: (d, id, agentId) => cancelRequest(d, id, agentId),
  expire: () => {
    throw new Error("expiry is driven by time, tested below");
  },
  start: (d, id) => markRunning(d, id),
  retry: (d, id) => markRetrying(d, id, "x"),
  succeed: (d, id) => markFinished(d, id, { exitCode: 0, output: "", outputTruncated: false }),
  fail: (d, id) => markFinished(d, id, { exitCode: 1, output: "", outputTruncated: false }),
  die: (d, id) => markDead(d, id, "interrupted"),
  requeue: (d, id) => requeueRequest(d, id, bob),
  discard: (d, id) => discardRequest(d, id, bob),
};

function allowed(state: FixtureState, t: Transition): boolean {
  if (state === "discarded") return t === "requeue";
  return (TRANSITIONS[t].from as readonly string[]).includes(state);
}

describe("every illegal transition", () => {
  const cases = FIXTURE_STATES.flatMap((state) =>
    (Object.keys(ACTIONS) as Transition[]).filter((t) => t !== "expire" && !allowed(state, t)).map((t) => [state, t] as const),
  );

  it.each(cases)("from %s, %s is refused with 409 and changes nothing", (state, t) => {
    const a = agent(db);
    const r = requestIn(db, a, state);
    const snapshot = () => ({
      row: getRequest(db, r.id),
      events: listEvents(db, r.id).length,
      messages: (db.$client.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n,
      rules: (db.$client.prepare("SELECT count(*) AS n FROM rules").get() as { n: number }).n,
    });
    const before = snapshot();
    const err = conflictOf(() => ACTIONS[t](db, r.id, a.id));
    expect(err.status).toBe(409);
    expect(err.code).toBe("conflict");
    expect(err.message).toContain(state === "discarded" ? "dead and already discarded" : `is ${state}`);
    expect(snapshot()).toEqual(before);
  });

  it("a decision that lost the race names the status and who decided first", () => {
    const r = submit(db, agent(db));
    approveRequest(db, r.id, alice);
    const err = conflictOf(() => rejectRequest(db, r.id, bob, "no"));
    expect(err.message).toMatch(/is queued \(decided by alice at .+Z\)/);
  });
});

describe("expiry", () => {
  it("expires pending requests after the TTL, audits it and tells the agent; decided ones are untouched", () => {
    process.env.GATEHOUSE_PENDING_TTL_SEC = "60";
    resetConfig();
    const a = agent(db);
    const t0 = 1_700_000_000_000;
    const waiting = submit(db, a, {}, t0);
    const decided = submit(db, a, {}, t0);
    approveRequest(db, decided.id, alice, { now: t0 + 1000 });
    const fresh = submit(db, a, {}, t0 + 30_000);
    try {
      expect(expirePending(db, t0 + 59_999)).toBe(0);
      expect(expirePending(db, t0 + 60_000)).toBe(1);
      expect(getRequest(db, waiting.id)).toMatchObject({ status: "expired", decidedBy: "system" });
      expect(getRequest(db, decided.id)?.status).toBe("queued");
      expect(getRequest(db, fresh.id)?.status).toBe("pending");
      expect(listEvents(db, waiting.id).at(-1)).toMatchObject({ actor: "system", fromStatus: "pending", toStatus: "expired", reason: "no decision within 60 s" });
      expect(payloads("notify_session")).toContainEqual({ requestId: waiting.id, session: "claude-backend-api", event: "expired" });
      expect(expirePending(db, t0 + 90_000)).toBe(1);
    } finally {
      delete process.env.GATEHOUSE_PENDING_TTL_SEC;
      resetConfig();
    }
  });

  it("expires more than one batch in one call", () => {
    const a = agent(db);
    for (let i = 0; i < 450; i++) submit(db, a, {}, 1000);
    expect(expirePending(db, 1000 + 86_400_000)).toBe(450);
  });
});
