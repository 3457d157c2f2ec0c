import { beforeEach, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { deadLetter, discardDead, requeueDead } from "../../lib/queue/dead";
import { fail } from "../../lib/queue/fail";
import { approveRequest, getRequest, markRunning } from "../../lib/requests/lifecycle";
import { registerRequestQueueHooks } from "../../lib/requests/queue-hooks";
import { listEvents } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { agent, alice, submit, takePayloads } from "./fixtures";

const t = useTempDb();
beforeEach(() => registerRequestQueueHooks());

async function approvedAndClaimed() {
  const r = await submit(t.store, await agent(t.store));
  await approveRequest(t.store, r.id, alice);
  const [message] = await claim(t.store, { workerId: "w1", queues: ["commands"], limit: 1 });
  if (!message) throw new Error("nothing claimed");
  return { r, message };
}

it("a dead-lettered execution message makes its request dead, with the reason, in the same transaction", async () => {
  const { r, message } = await approvedAndClaimed();
  await markRunning(t.store, r.id);
  expect(await deadLetter(t.store, message, "interrupted", new Error("worker died"))).toBe(true);
  const row = await getRequest(t.store, r.id);
  expect(row?.status).toBe("dead");
  expect(row?.lastError).toMatch(/^interrupted/);
  expect((await listEvents(t.store, r.id)).at(-1)).toMatchObject({ actor: "worker", fromStatus: "running", toStatus: "dead" });
  const notified = await takePayloads(t.store, "notify_session");
  expect(notified.map((p) => p.event)).toContain("dead");
});

it("a message for an actor no worker handles still ends its request as dead (never lost, never stuck queued)", async () => {
  const { r, message } = await approvedAndClaimed();
  await deadLetter(t.store, message, "unknown_actor", "no handler for execute_approved_command");
  expect(await getRequest(t.store, r.id)).toMatchObject({ status: "dead", lastError: "unknown_actor: no handler for execute_approved_command" });
});

it("a retry scheduled after a failure before the command started puts the request back to queued", async () => {
  const { r, message } = await approvedAndClaimed();
  await markRunning(t.store, r.id);
  const outcome = await fail(t.store, message, new Error("tmux: no server running"));
  expect(outcome?.state).toBe("ready");
  const row = await getRequest(t.store, r.id);
  expect(row?.status).toBe("queued");
  expect(row?.lastError).toMatch(/^Error: tmux: no server running/);
});

it("requeueing or discarding the dead message in the queue's own triage takes the request along", async () => {
  const { r, message } = await approvedAndClaimed();
  await markRunning(t.store, r.id);
  await deadLetter(t.store, message, "interrupted", "worker died");
  expect(await requeueDead(t.store, message.id)).toBe(true);
  expect(await getRequest(t.store, r.id)).toMatchObject({ status: "queued", finishedAt: null });
  const [again] = await claim(t.store, { workerId: "w1", queues: ["commands"], limit: 1 });
  await markRunning(t.store, r.id);
  await deadLetter(t.store, again!, "interrupted", "worker died again");
  expect(await discardDead(t.store, again!.id)).toBe(true);
  const row = await getRequest(t.store, r.id);
  expect(row?.status).toBe("dead");
  expect(row?.discardedAt).not.toBeNull();
});
