import { beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config";
import type { Store } from "../../lib/db/store";
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
  markRunning,
  rejectRequest,
  requeueRequest,
  retryingPlan,
  transition,
  type Transition,
} from "../../lib/requests/lifecycle";
import { listEvents } from "../../lib/requests/read";
import { listRules } from "../../lib/requests/rules";
import { recordOutcome } from "../../lib/requests/outcome";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import {
  FIXTURE_STATES,
  agent,
  allMessageCount,
  alice,
  bob,
  messageCount,
  requestIn,
  submit,
  takeMessages,
  takePayloads,
  type FixtureState,
} from "./fixtures";

const t = useTempDb();
let db: Store;
beforeEach(() => {
  resetConfig();
  db = t.store;
});

const messages = (actor: string) => messageCount(db, actor);
const payloads = (actor: string) => takePayloads(db, actor);

/** running → queued (the queue's retry plan), or 404/409 as every transition. */
function markRetrying(store: Store, id: string, error: string) {
  const p = retryingPlan(id, error);
  return transition(store, id, "retry", { actor: p.event.actor, reason: p.event.reason, set: p.set, now: p.event.at });
}

async function conflictOf(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected an ApiError");
}

describe("the request lifecycle", () => {
  it("records a submitted request as pending, with who asked in the audit trail", async () => {
    const r = await submit(db, await agent(db));
    expect(r.status).toBe("pending");
    const events = await listEvents(db, r.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "agent:backend-api", fromStatus: null, toStatus: "pending" });
  });

  it("approving queues exactly one execution message and tells the agent, in one step", async () => {
    const a = await agent(db);
    const r = await submit(db, a, { priority: "HIGH" });
    const approved = await approveRequest(db, r.id, alice, { comment: "fine" });
    expect(approved).toMatchObject({ status: "queued", decidedBy: "alice", decisionComment: "fine" });
    const executions = await takeMessages(db, "execute_approved_command");
    expect(executions.map((m) => m.payload)).toEqual([{ requestId: r.id }]);
    expect(await payloads("notify_session")).toEqual([{ requestId: r.id, session: "claude-backend-api", event: "approved" }]);
    const { priority, groupKey } = await messageRow(db, executions[0]!.id);
    expect({ priority, groupKey }).toEqual({ priority: 2, groupKey: "claude-backend-api" });
    expect((await listEvents(db, r.id)).map((e) => [e.actor, e.fromStatus, e.toStatus, e.reason])).toEqual([
      ["agent:backend-api", null, "pending", "no rule allows it"],
      ["alice", "pending", "queued", "fine"],
    ]);
  });

  it("rejecting records the reason as the decision and tells the agent", async () => {
    const r = await submit(db, await agent(db));
    const rejected = await rejectRequest(db, r.id, alice, "use the staging database");
    expect(rejected).toMatchObject({ status: "rejected", decidedBy: "alice", decisionComment: "use the staging database" });
    expect(await payloads("notify_session")).toEqual([{ requestId: r.id, session: "claude-backend-api", event: "rejected" }]);
    expect(await messages("execute_approved_command")).toBe(0);
  });

  it("lets the agent cancel its pending request", async () => {
    const a = await agent(db);
    const r = await submit(db, a);
    expect(await cancelRequest(db, r.id, a.id)).toMatchObject({ status: "cancelled", decidedBy: "agent:backend-api" });
  });

  it("runs queued → running → succeeded or failed with exit code and output, and tells the agent", async () => {
    const a = await agent(db);
    const ok = await requestIn(db, a, "succeeded");
    expect(ok).toMatchObject({ status: "succeeded", exitCode: 0, output: "ok\n", attempts: 1 });
    const bad = await requestIn(db, a, "failed");
    expect(bad).toMatchObject({ status: "failed", exitCode: 3, output: "boom\n" });
    expect((await payloads("notify_session")).filter((p) => p.event === "finished")).toHaveLength(2);
  });

  it("puts a running request back to queued when the worker must retry before the command started", async () => {
    const r = await requestIn(db, await agent(db), "running");
    expect(await db.apply([retryingPlan(r.id, "tmux: no server")])).toMatchObject({
      ok: true,
      rows: [{ status: "queued", lastError: "tmux: no server" }],
    });
    expect(await markRunning(db, r.id)).toMatchObject({ status: "running", attempts: 2 });
  });

  it("a command that ran past its time limit is failed, with the reason", async () => {
    const r = await requestIn(db, await agent(db), "running");
    const done = await markFinished(db, r.id, { exitCode: null, output: "", outputTruncated: false, error: "time limit of 5 s" });
    expect(done).toMatchObject({ status: "failed", lastError: "time limit of 5 s" });
  });

  it("requeues a dead or failed request as a new message, clearing the old result", async () => {
    const a = await agent(db);
    for (const state of ["dead", "failed"] as const) {
      const r = await requestIn(db, a, state);
      const before = await messages("execute_approved_command");
      const again = await requeueRequest(db, r.id, bob);
      expect(again).toMatchObject({ status: "queued", exitCode: null, output: null, finishedAt: null });
      expect(await messages("execute_approved_command")).toBe(before + 1);
    }
  });

  it("discarding keeps a dead request dead, marked discarded, and cannot happen twice", async () => {
    const r = await requestIn(db, await agent(db), "dead");
    const gone = await discardRequest(db, r.id, alice);
    expect(gone.status).toBe("dead");
    expect(gone.discardedAt).not.toBeNull();
    expect((await conflictOf(() => discardRequest(db, r.id, bob))).message).toMatch(/already discarded/);
  });

  it("answers 404 for a request that does not exist", async () => {
    expect((await conflictOf(() => approveRequest(db, "nope", alice))).status).toBe(404);
  });
});

const ACTIONS: Record<Transition, (db: Store, id: string, agentId: string) => Promise<unknown>> = {
  approve: (d, id) => approveRequest(d, id, bob),
  allow: (d, id) => approveRequest(d, id, bob),
  record: async (d, id, agentId) => recordOutcome(d, (await getRequest(d, id))!, { id: agentId, sessions: [], autoApprove: false }, { exitCode: 0, outputTail: "" }),
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

  it.each(cases)("from %s, %s is refused with 409 and changes nothing", async (state, t) => {
    const a = await agent(db);
    const r = await requestIn(db, a, state);
    const snapshot = async () => ({
      row: await getRequest(db, r.id),
      events: (await listEvents(db, r.id)).length,
      messages: await allMessageCount(db),
      rules: (await listRules(db)).length,
    });
    const before = await snapshot();
    const err = await conflictOf(() => ACTIONS[t](db, r.id, a.id));
    expect(err.status).toBe(409);
    expect(err.code).toBe("conflict");
    expect(err.message).toContain(state === "discarded" ? "dead and already discarded" : `is ${state}`);
    expect(await snapshot()).toEqual(before);
  });

  it("a decision that lost the race names the status and who decided first", async () => {
    const r = await submit(db, await agent(db));
    await approveRequest(db, r.id, alice);
    const err = await conflictOf(() => rejectRequest(db, r.id, bob, "no"));
    expect(err.message).toMatch(/is queued \(decided by alice at .+Z\)/);
  });
});

describe("expiry", () => {
  it("expires pending requests after the TTL, audits it and tells the agent; decided ones are untouched", async () => {
    process.env.GATEHOUSE_PENDING_TTL_SEC = "60";
    resetConfig();
    const a = await agent(db);
    const t0 = 1_700_000_000_000;
    const waiting = await submit(db, a, {}, t0);
    const decided = await submit(db, a, {}, t0);
    await approveRequest(db, decided.id, alice, { now: t0 + 1000 });
    const fresh = await submit(db, a, {}, t0 + 30_000);
    try {
      expect(await expirePending(db, t0 + 59_999)).toBe(0);
      expect(await expirePending(db, t0 + 60_000)).toBe(1);
      expect(await getRequest(db, waiting.id)).toMatchObject({ status: "expired", decidedBy: "system" });
      expect((await getRequest(db, decided.id))?.status).toBe("queued");
      expect((await getRequest(db, fresh.id))?.status).toBe("pending");
      expect((await listEvents(db, waiting.id)).at(-1)).toMatchObject({ actor: "system", fromStatus: "pending", toStatus: "expired", reason: "no decision within 60 s" });
      expect(await payloads("notify_session")).toContainEqual({ requestId: waiting.id, session: "claude-backend-api", event: "expired" });
      expect(await expirePending(db, t0 + 90_000)).toBe(1);
    } finally {
      delete process.env.GATEHOUSE_PENDING_TTL_SEC;
      resetConfig();
    }
  });

  it("expires more than one batch in one call", async () => {
    const a = await agent(db);
    for (let i = 0; i < 450; i++) await submit(db, a, {}, 1000);
    expect(await expirePending(db, 1000 + 86_400_000)).toBe(450);
  });
});
