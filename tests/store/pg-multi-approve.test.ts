// Several processes, several hosts: two web servers and two worker daemons on one PostgreSQL
// database, and twenty supervisors' clicks on the same pending request at once.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "../../lib/requests/read";
import { submitRequest } from "../../lib/requests/submit";
import { messagesOf } from "../api/sql";
import { eventually } from "../support/eventually";
import { agent, call, ensureBuild, linesOf, startFleet, stopFleet, supervisor } from "../support/pg-fleet";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb({ prefix: "gatehouse-pg-multi-", teardown: stopFleet });

describe.skipIf(TEST_STORE !== "postgres")("two web servers and two workers on one PostgreSQL database", () => {
  beforeAll(ensureBuild, 900_000);

  it("twenty concurrent approvals over both servers: one 200, nineteen 409, and the command runs once", async () => {
    const fleet = await startFleet(t, { apps: 2, workers: 2, sessions: ["agent-a"] });
    const alice = await supervisor(t.store);
    const { agent: me } = await agent(t.store, "agent-1", ["agent-a"]);
    const runs = path.join(fleet.dataDir, "runs");
    const { request } = await submitRequest(t.store, me, {
      session: "agent-a",
      command: `echo ran >> ${runs}`,
      priority: "NORMAL",
      autoApprove: false,
      cwd: fleet.dataDir,
    });
    expect(request.status).toBe("pending");

    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(fleet.apps[i % 2]!, "POST", `/api/requests/${request.id}/approve`, { token: alice.token, body: {} }),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(replies.map((r) => r.body))).toEqual([200, ...Array(19).fill(409)]);
    expect(replies.find((r) => r.status === 200)!.body).toMatchObject({ id: request.id, status: "queued", decision: { by: "alice" } });
    for (const refused of replies.filter((r) => r.status === 409)) {
      expect(refused.body).toEqual({
        error: {
          code: "conflict",
          message: expect.stringMatching(new RegExp(`^Request ${request.id} is \\w+ \\(decided by alice at [^)]+\\); it can be approved only while pending\\.$`)),
        },
      });
    }

    await eventually(async () => (await t.store.getRequest(request.id))?.status === "succeeded", "the request to succeed", 60_000);
    expect(linesOf(runs)).toEqual(["ran"]);
    const events = await listEvents(t.store, request.id);
    expect(events.map((e) => `${e.actor}:${e.fromStatus ?? ""}->${e.toStatus}`)).toEqual([
      "agent:agent-1:->pending",
      "alice:pending->queued",
      "worker:queued->running",
      "worker:running->succeeded",
    ]);
    const executions = (await messagesOf(t.store, "execute_approved_command")).filter((m) => m.payload.includes(request.id));
    expect(executions).toEqual([]); // finished with the request's outcome: gone
    expect(linesOf(runs)).toEqual(["ran"]);
  }, 240_000);
});
