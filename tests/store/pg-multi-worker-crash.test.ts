// Several processes, several hosts: a worker process killed with SIGKILL in the middle of a
// command, while another worker daemon on the same PostgreSQL database lives on.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listWorkers } from "../../lib/queue/workers";
import { approveRequest } from "../../lib/requests/lifecycle";
import { listEvents } from "../../lib/requests/read";
import { submitRequest } from "../../lib/requests/submit";
import { readInbox } from "../../lib/tmux/notify";
import { messagesOf, sql } from "../api/sql";
import { eventually } from "../support/eventually";
import { agent, linesOf, startFleet, stopFleet, supervisor } from "../support/pg-fleet";
import { TEST_STORE } from "../support/temp-db";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb({ prefix: "gatehouse-pg-multi-", teardown: stopFleet });

describe.skipIf(TEST_STORE !== "postgres")("a worker killed mid-command, another worker alive, one PostgreSQL database", () => {
  it("the request ends dead as interrupted once the lease runs out, and no worker ever starts it again", async () => {
    const fleet = await startFleet(t, { apps: 0, workers: 2, sessions: ["agent-a"] });
    const alice = await supervisor(t.store);
    const { agent: me } = await agent(t.store, "agent-1", ["agent-a"]);
    const runs = path.join(fleet.dataDir, "runs");
    const { request } = await submitRequest(t.store, me, {
      session: "agent-a",
      command: `echo start >> ${runs}; sleep 30`,
      priority: "NORMAL",
      autoApprove: false,
      cwd: fleet.dataDir,
    });
    await approveRequest(t.store, request.id, alice);
    await eventually(() => linesOf(runs).length === 1, "the command to start", 60_000);
    expect((await t.store.getRequest(request.id))?.status).toBe("running");

    // The worker process that holds the message, as the workers table and the message name it.
    const [{ workerId } = { workerId: null }] = await sql<{ workerId: string | null }>(
      t.store,
      `SELECT worker_id AS "workerId" FROM messages WHERE actor = 'execute_approved_command' AND state = 'leased'`,
    );
    const holder = (await listWorkers(t.store)).find((w) => w.id === workerId);
    expect(holder, `the worker ${workerId} among ${JSON.stringify(await listWorkers(t.store))}`).toBeDefined();
    expect(fleet.workers.map((w) => w.proc.pid)).not.toContain(holder!.pid); // a worker process, not a supervisor
    process.kill(holder!.pid, "SIGKILL");

    const dead = await eventually(
      async () => {
        const row = await t.store.getRequest(request.id);
        return row?.status === "dead" && row;
      },
      "the request to be dead (the lease is 6 s, reclaimed every second: within 10 s)",
      30_000,
    );
    expect(dead.lastError).toMatch(/^interrupted: /);

    // A live worker delivers the dead notice: by then the queue has moved past the message.
    const notice = await eventually(
      async () => (await readInbox(path.join(fleet.dataDir, "inbox"), "agent-a")).find((e) => e.text.includes(`${request.id} is dead`)),
      "the dead notice in the agent's inbox",
      30_000,
    );
    expect(notice.text).toContain("interrupted");

    const events = await listEvents(t.store, request.id);
    expect(events.map((e) => `${e.actor}:${e.fromStatus ?? ""}->${e.toStatus}`)).toEqual([
      "agent:agent-1:->pending",
      "alice:pending->queued",
      "worker:queued->running",
      "worker:running->dead",
    ]);
    expect(events.at(-1)!.reason).toMatch(/^interrupted/);
    const executions = (await messagesOf(t.store, "execute_approved_command")).filter((m) => m.payload.includes(request.id));
    expect(executions).toMatchObject([{ state: "dead", deadReason: "interrupted", attempts: 1 }]);
    expect(linesOf(runs)).toEqual(["start"]);
    expect((await t.store.getRequest(request.id))?.status).toBe("dead");
  }, 180_000);
});
