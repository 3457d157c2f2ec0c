// Webhooks end to end in one process: a request left for a person enqueues one deliver_webhook
// message per hook with the request, and a worker loop posts them to a real HTTP receiver on
// loopback, retrying with backoff (made due at once here) and dead-lettering one that keeps failing.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAgent, type AgentIdentity } from "../../lib/auth/agents";
import { deliverWebhook } from "../../lib/queue/actors";
import { submitRequest } from "../../lib/requests/submit";
import { addWebhook } from "../../lib/webhooks/manage";
import { deliverWebhookMessage } from "../../worker/actors/deliver-webhook";
import { bind } from "../../worker/handler";
import { WorkerLoop } from "../../worker/loop";
import { eventually } from "../support/eventually";
import { countMessages, messageRow, messageRows, messageState, updateMessage } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { receiver, type Receiver } from "./receiver";

let loop: WorkerLoop | undefined;
let receivers: Receiver[] = [];
const t = useTempDb({
  prefix: "gatehouse-webhooks-",
  teardown: async () => {
    await loop?.stop(0);
    loop = undefined;
    await Promise.all(receivers.map((r) => r.close()));
    receivers = [];
  },
});

const SECRET = "a-secret-of-at-least-16-characters";

async function listening(statuses?: number[]): Promise<Receiver> {
  const r = await receiver(statuses);
  receivers.push(r);
  return r;
}

async function agent(autoApprove = false): Promise<AgentIdentity> {
  return (await createAgent(t.store, { id: "agent-1", sessions: ["agent-a"], autoApprove })).agent;
}

const pending = async (who: AgentIdentity, command = "npm publish") =>
  (await submitRequest(t.store, who, { session: "agent-a", command, priority: "HIGH", reason: "release", autoApprove: false })).request;

function work(): WorkerLoop {
  loop = new WorkerLoop({ store: t.store, workerId: "test", handlers: bind(deliverWebhook, deliverWebhookMessage), concurrency: 2, groupLimit: 1, pollMs: 50 });
  loop.start();
  return loop;
}

const hookMessages = async () => (await messageRows(t.store)).filter((m) => m.actor === "deliver_webhook");

/** Makes a retried message due now instead of after its backoff. */
async function dueNow(id: number): Promise<void> {
  await eventually(async () => (await messageRow(t.store, id)).state === "ready", `message ${id} to be ready again`);
  await updateMessage(t.store, id, { runAt: Date.now() });
  loop?.wake();
}

describe("webhooks", () => {
  it("posts a pending request to a generic hook, signed over the timestamp and body with the hook's secret", async () => {
    const r = await listening();
    const { hook } = await addWebhook(t.store, { url: r.url, kind: "generic", secret: SECRET }, "admin");
    const row = await pending(await agent());
    expect(row.status).toBe("pending");
    const [message] = await hookMessages();
    expect(message).toMatchObject({ queue: "notifications", maxRetries: 8 });
    expect(JSON.parse(message!.payload)).toMatchObject({ webhookId: hook.id });

    work();
    const [d] = await eventually(() => r.deliveries.length > 0 && r.deliveries, "a delivery");
    const timestamp = Number(d!.headers["x-gatehouse-timestamp"]);
    expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(30);
    const expected = createHmac("sha256", SECRET).update(`${timestamp}.${d!.body}`).digest("hex");
    expect(d!.headers["x-gatehouse-signature"]).toBe(`sha256=${expected}`);
    // Another secret, or another timestamp, does not verify.
    expect(createHmac("sha256", "another-secret-of-16-chars").update(`${timestamp}.${d!.body}`).digest("hex")).not.toBe(expected);
    expect(createHmac("sha256", SECRET).update(`${timestamp + 1}.${d!.body}`).digest("hex")).not.toBe(expected);
    expect(d!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(d!.body)).toEqual({
      event: "request.pending",
      request: {
        id: row.id,
        agentId: "agent-1",
        session: "agent-a",
        command: "npm publish",
        reason: "release",
        priority: "HIGH",
        createdAt: new Date(row.createdAt).toISOString(),
        url: `http://127.0.0.1:3000/requests/${row.id}`,
      },
    });
    await eventually(async () => (await messageState(t.store, message!.id)) === "gone", "the message to be finished");
  });

  it("retries after a 500 with backoff and delivers on the third try", async () => {
    const r = await listening([500, 500, 200]);
    await addWebhook(t.store, { url: r.url, kind: "generic", secret: SECRET }, "admin");
    await pending(await agent());
    const [message] = await hookMessages();
    work();
    for (const tries of [1, 2]) {
      await eventually(() => r.deliveries.length >= tries, `try ${tries}`);
      const row = await eventually(async () => {
        const m = await messageRow(t.store, message!.id);
        return m.state === "ready" && m;
      }, "the retry to be scheduled");
      // The backoff put the retry in the future (5 s from the first failure, doubling).
      expect(row.runAt).toBeGreaterThan(Date.now());
      expect(row.lastError).toContain("answered 500");
      await dueNow(message!.id);
    }
    await eventually(async () => (await messageState(t.store, message!.id)) === "gone", "the message to be finished");
    expect(r.deliveries).toHaveLength(3);
    // Each try is signed anew, with the time it was sent.
    for (const d of r.deliveries) {
      const timestamp = d.headers["x-gatehouse-timestamp"] as string;
      expect(Math.abs(d.at / 1000 - Number(timestamp))).toBeLessThan(2);
      expect(d.headers["x-gatehouse-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${d.body}`).digest("hex")}`);
    }
  });

  it("dead-letters a delivery that keeps failing, visible in Gatehouse's own dead letters", async () => {
    const r = await listening([503]);
    await addWebhook(t.store, { url: r.url, kind: "generic", secret: SECRET }, "admin");
    await pending(await agent());
    const [message] = await hookMessages();
    await updateMessage(t.store, message!.id, { maxRetries: 2 });
    work();
    for (const tries of [1, 2]) {
      await eventually(() => r.deliveries.length >= tries, `try ${tries}`);
      await dueNow(message!.id);
    }
    await eventually(async () => (await messageRow(t.store, message!.id)).state === "dead", "the message to be dead");
    expect(r.deliveries).toHaveLength(3);
    const dead = await t.store.listDead({ limit: 10, discarded: false });
    expect(dead).toEqual([expect.objectContaining({ id: message!.id, actor: "deliver_webhook", deadReason: "retries_exhausted" })]);
    expect(dead[0]!.lastError).toContain("answered 503");
  });

  it("counts a receiver that refuses connections as a failure", async () => {
    const r = await listening();
    await r.close();
    await addWebhook(t.store, { url: r.url, kind: "generic", secret: SECRET }, "admin");
    await pending(await agent());
    const [message] = await hookMessages();
    work();
    const row = await eventually(async () => {
      const m = await messageRow(t.store, message!.id);
      return m.lastError !== null && m;
    }, "the failure to be recorded");
    expect(row).toMatchObject({ state: "ready", attempts: 1 });
  });

  it("enqueues nothing for a pending request when there are no hooks, nor for a request the policy decided", async () => {
    await pending(await agent());
    expect(await countMessages(t.store)).toBe(0);

    const r = await listening();
    await addWebhook(t.store, { url: r.url, kind: "slack" }, "admin");
    const auto = (await createAgent(t.store, { id: "agent-2", sessions: ["agent-a"], autoApprove: true })).agent;
    const queued = (await submitRequest(t.store, auto, { session: "agent-a", command: "ls", priority: "URGENT", autoApprove: false })).request;
    expect(queued.status).toBe("queued");
    expect(await hookMessages()).toEqual([]);
    const denied = (await submitRequest(t.store, auto, { session: "agent-a", command: "sudo ls", priority: "NORMAL", autoApprove: false })).request;
    expect(denied.status).toBe("rejected");
    expect(await hookMessages()).toEqual([]);
  });

  it("enqueues one message per hook, with the request", async () => {
    const [a, b] = [await listening(), await listening()];
    await addWebhook(t.store, { url: a.url, kind: "generic" }, "admin");
    await addWebhook(t.store, { url: b.url, kind: "slack" }, "admin");
    await pending(await agent());
    expect(await hookMessages()).toHaveLength(2);
  });

  it("posts Slack's incoming-webhook shape with a link to the request, unsigned", async () => {
    const r = await listening();
    await addWebhook(t.store, { url: r.url, kind: "slack" }, "admin");
    const row = await pending(await agent(), "rm -rf build && make <all>");
    work();
    const [d] = await eventually(() => r.deliveries.length > 0 && r.deliveries, "a delivery");
    const body = JSON.parse(d!.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["text"]);
    const text = body.text as string;
    expect(text).toContain(`<http://127.0.0.1:3000/requests/${row.id}|Open request ${row.id}>`);
    expect(text).toContain("*agent-1* waits for approval in session `agent-a` (HIGH)");
    expect(text).toContain("rm -rf build &amp;&amp; make &lt;all&gt;");
    expect(text).toContain("Reason: release");
    expect(d!.headers["x-gatehouse-signature"]).toBeUndefined();
  });

  it("skips a hook removed before its message ran", async () => {
    const r = await listening();
    const { hook } = await addWebhook(t.store, { url: r.url, kind: "generic" }, "admin");
    await pending(await agent());
    const [message] = await hookMessages();
    await t.store.deleteWebhook(hook.id);
    work();
    await eventually(async () => (await messageState(t.store, message!.id)) === "gone", "the message to be finished");
    expect(r.deliveries).toEqual([]);
  });
});
