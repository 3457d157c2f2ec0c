import type { AgentIdentity } from "../../lib/auth/agents";
import { createAgent } from "../../lib/auth/agents";
import type { UserIdentity } from "../../lib/auth/users";
import { config } from "../../lib/config";
import type { Request as RequestRow } from "../../lib/db/rows";
import type { Store } from "../../lib/db/store";
import { actorSpec } from "../../lib/queue/actors";
import { claim, type Claimed } from "../../lib/queue/claim";
import {
  approveRequest,
  cancelRequest,
  discardRequest,
  expirePending,
  getRequest,
  markDead,
  markFinished,
  markRunning,
  rejectRequest,
} from "../../lib/requests/lifecycle";
import type { RequestStatus } from "../../lib/requests/statuses";
import { submitRequest, type NewRequest } from "../../lib/requests/submit";

export const alice: UserIdentity = { id: "u-alice", name: "alice", role: "supervisor" };
export const bob: UserIdentity = { id: "u-bob", name: "bob", role: "supervisor" };

export async function agent(store: Store, id = "backend-api", opts: { sessions?: string[]; autoApprove?: boolean } = {}): Promise<AgentIdentity> {
  return (await createAgent(store, { id, sessions: opts.sessions ?? ["claude-backend-api"], autoApprove: opts.autoApprove })).agent;
}

export async function submit(store: Store, who: AgentIdentity, input: Partial<NewRequest> = {}, now?: number): Promise<RequestRow> {
  const submitted = await submitRequest(
    store,
    who,
    { session: who.sessions[0]!, command: "npm run build", priority: "NORMAL", autoApprove: false, ...input },
    { now },
  );
  return submitted.request;
}

/** Every state a request can be in, plus a discarded dead letter. */
export const FIXTURE_STATES = [...["pending", "queued", "running", "succeeded", "failed", "rejected", "expired", "cancelled", "dead", "allowed"], "discarded"] as const;
export type FixtureState = RequestStatus | "discarded";

/** A request driven through the real lifecycle into `state`. */
export async function requestIn(store: Store, who: AgentIdentity, state: FixtureState): Promise<RequestRow> {
  const now = Date.now();
  if (state === "expired") {
    // Submitted one TTL ago, so that it is due now: the requests the test made before it (at their
    // Date.now()) are not due yet, and only this one expires.
    const r = await submit(store, who, {}, now - config().GATEHOUSE_PENDING_TTL_SEC * 1000);
    await expirePending(store, r.expiresAt);
    return (await getRequest(store, r.id))!;
  }
  if (state === "allowed") {
    // A gate request (gatehouse hook): approving it lets the agent run the command itself.
    return approveRequest(store, (await submit(store, who, { kind: "gate" }, now)).id, alice);
  }
  const r = await submit(store, who, {}, now);
  const run = async () => {
    await approveRequest(store, r.id, alice);
    return markRunning(store, r.id);
  };
  switch (state) {
    case "pending":
      return r;
    case "queued":
      return approveRequest(store, r.id, alice);
    case "running":
      return run();
    case "succeeded":
      await run();
      return markFinished(store, r.id, { exitCode: 0, output: "ok\n", outputTruncated: false });
    case "failed":
      await run();
      return markFinished(store, r.id, { exitCode: 3, output: "boom\n", outputTruncated: false });
    case "rejected":
      return rejectRequest(store, r.id, alice, "not now");
    case "cancelled":
      return cancelRequest(store, r.id, who.id);
    case "dead":
      await run();
      return markDead(store, r.id, "interrupted");
    case "discarded":
      await run();
      await markDead(store, r.id, "interrupted");
      return discardRequest(store, r.id, alice);
  }
}

// Reading the queue through the store. These tests run no worker, and each actor has a queue of
// its own (commands, notifications), so an actor's messages are all of its queue's.

/** How many messages `actor` has on its queue (ready, leased or dead awaiting triage). */
export async function messageCount(store: Store, actor: string): Promise<number> {
  const queue = actorSpec(actor).queue;
  const row = (await store.queueCounts()).find((q) => q.queue === queue);
  return row ? row.ready + row.leased + row.dead : 0;
}

/** How many messages there are on every queue (ready, leased or dead awaiting triage). */
export async function allMessageCount(store: Store): Promise<number> {
  return (await store.queueCounts()).reduce((n, q) => n + q.ready + q.leased + q.dead, 0);
}

/**
 * The ready messages of `actor`, oldest first, with payload, priority and group key: read by
 * claiming every one of them (one of each group per claim), so they are leased afterwards and a
 * second call sees only newer ones.
 */
export async function takeMessages(store: Store, actor: string): Promise<Claimed[]> {
  const queue = actorSpec(actor).queue;
  const taken: Claimed[] = [];
  const later = Date.now() + 365 * 24 * 3600_000;
  for (;;) {
    const batch = await claim(store, { workerId: "test-reader", queues: [queue], limit: 1000, groupLimit: 1_000_000, now: later });
    if (!batch.length) return taken.filter((m) => m.actor === actor).sort((a, b) => a.id - b.id);
    taken.push(...batch);
  }
}

/** The payloads of takeMessages. */
export async function takePayloads(store: Store, actor: string): Promise<Record<string, unknown>[]> {
  return (await takeMessages(store, actor)).map((m) => m.payload as Record<string, unknown>);
}
