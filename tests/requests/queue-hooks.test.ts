import { beforeEach, expect, it } from "vitest";
import { claim } from "../../lib/queue/claim";
import { deadLetter, discardDead, requeueDead } from "../../lib/queue/dead";
import { fail } from "../../lib/queue/fail";
import { approveRequest, getRequest, markRunning } from "../../lib/requests/lifecycle";
import { registerRequestQueueHooks } from "../../lib/requests/queue-hooks";
import { listEvents } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { agent, alice, submit } from "./fixtures";

const t = useTempDb();
beforeEach(() => registerRequestQueueHooks());

function approvedAndClaimed() {
  const r = submit(t.db, agent(t.db));
  approveRequest(t.db, r.id, alice);
  const [message] = claim(t.db, { workerId: "w1", queues: ["commands"], limit: 1 });
  if (!message) throw new Error("nothing claimed");
  return { r, message };
}

it("a dead-lettered execution message makes its request dead, with the reason, in the same transaction", () => {
  const { r, message } = approvedAndClaimed();
  markRunning(t.db, r.id);
  expect(deadLetter(t.db, message, "interrupted", new Error("worker died"))).toBe(true);
  const row = getRequest(t.db, r.id);
  expect(row?.status).toBe("dead");
  expect(row?.lastError).toMatch(/^interrupted/);
  expect(listEvents(t.db, r.id).at(-1)).toMatchObject({ actor: "worker", fromStatus: "running", toStatus: "dead" });
  const notified = t.db.$client.prepare("SELECT payload FROM messages WHERE actor = 'notify_session'").pluck().all() as string[];
  expect(notified.map((p) => JSON.parse(p).event)).toContain("dead");
});

it("a message for an actor no worker handles still ends its request as dead (never lost, never stuck queued)", () => {
  const { r, message } = approvedAndClaimed();
  deadLetter(t.db, message, "unknown_actor", "no handler for execute_approved_command");
  expect(getRequest(t.db, r.id)).toMatchObject({ status: "dead", lastError: "unknown_actor: no handler for execute_approved_command" });
});

it("a retry scheduled after a failure before the command started puts the request back to queued", () => {
  const { r, message } = approvedAndClaimed();
  markRunning(t.db, r.id);
  const outcome = fail(t.db, message, new Error("tmux: no server running"));
  expect(outcome?.state).toBe("ready");
  const row = getRequest(t.db, r.id);
  expect(row?.status).toBe("queued");
  expect(row?.lastError).toMatch(/^Error: tmux: no server running/);
});

it("requeueing or discarding the dead message in the queue's own triage takes the request along", () => {
  const { r, message } = approvedAndClaimed();
  markRunning(t.db, r.id);
  deadLetter(t.db, message, "interrupted", "worker died");
  expect(requeueDead(t.db, message.id)).toBe(true);
  expect(getRequest(t.db, r.id)).toMatchObject({ status: "queued", finishedAt: null });
  const [again] = claim(t.db, { workerId: "w1", queues: ["commands"], limit: 1 });
  markRunning(t.db, r.id);
  deadLetter(t.db, again!, "interrupted", "worker died again");
  expect(discardDead(t.db, again!.id)).toBe(true);
  const row = getRequest(t.db, r.id);
  expect(row?.status).toBe("dead");
  expect(row?.discardedAt).not.toBeNull();
});
