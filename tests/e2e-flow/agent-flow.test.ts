// Issue 4's end-to-end proof, over real HTTP (`next start`), a real worker process and a real tmux
// server: an agent asks, a supervisor approves through the API, the command runs in the agent's
// session, the agent's long-poll returns the output and exit code, and its inbox shows the result.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { INBOX_WINDOW, readInbox } from "../../lib/tmux/notify";
import { startApi, type Api } from "../api/harness";
import { eventually } from "../support/eventually";
import { killWorkers, startWorker, type WorkerProcess } from "../support/worker-process";
import { privateServer, type PrivateServer } from "../tmux/private-server";

const SESSION = "claude-backend-api"; // bound to the harness's agent token

let server: PrivateServer;
let api: Api;
let worker: WorkerProcess;
beforeAll(async () => {
  server = await privateServer();
  await server.session(SESSION);
  const env = { GATEHOUSE_TMUX_SOCKET: server.tmux.socket ?? "", GATEHOUSE_JOBS_DIR: path.join(server.dir, "jobs") };
  api = await startApi(env);
  worker = startWorker({ db: api.env, env });
  await worker.ready();
}, 600_000);
afterAll(async () => {
  await killWorkers();
  await api?.close();
  await server?.stop();
});

type ApiRequest = { id: string; status: string; exitCode: number | null; output: string | null; decision: { by: string } | null };
const FINAL = ["succeeded", "failed", "rejected", "expired", "cancelled", "dead"];

/** What `gatehouse submit` does: long-poll until the request has ended; returns every status seen. */
async function waitAsAgent(id: string): Promise<{ seen: string[]; last: ApiRequest }> {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await api.call("GET", `/api/requests/${id}?wait=30`, { token: api.tokens.agent });
    expect(r.status).toBe(200);
    const req = r.body as ApiRequest;
    if (seen.at(-1) !== req.status) seen.push(req.status);
    if (FINAL.includes(req.status)) return { seen, last: req };
  }
  throw new Error(`request ${id} did not end; statuses seen: ${seen.join(", ")}`);
}

async function askAndApprove(command: string): Promise<{ id: string; waiting: ReturnType<typeof waitAsAgent> }> {
  const submitted = await api.call("POST", "/api/requests", {
    token: api.tokens.agent,
    body: { session: SESSION, command, reason: "run the checks", cwd: server.dir },
  });
  expect(submitted.status).toBe(201);
  expect(submitted.body.status).toBe("pending");
  const id = submitted.body.id as string;
  const waiting = waitAsAgent(id); // the agent waits before anyone decides
  const approved = await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.alice, body: { comment: "go ahead" } });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  expect(approved.body.status).toBe("queued");
  return { id, waiting };
}

/** The agent's `gatehouse` window, as a person attached to the session would see it. */
const inboxWindow = () => server.tmux.exec(["capture-pane", "-p", "-J", "-t", `=${SESSION}:${INBOX_WINDOW}`]);

it("an approved command runs in the agent's tmux session; its wait returns the output and exit code, its inbox the result", async () => {
  const { id, waiting } = await askAndApprove(`printf 'compiled %d files\\n' 12; echo "in $(pwd)"`);
  const { seen, last } = await waiting;
  expect(seen.at(-1)).toBe("succeeded");
  expect(last).toMatchObject({ status: "succeeded", exitCode: 0, output: `compiled 12 files\nin ${server.dir}\n`, decision: { by: "alice" } });

  const inbox = await eventually(async () => {
    const entries = (await readInbox(path.join(api.dir, "inbox"), SESSION)).filter((e) => e.text.includes(id));
    return entries.length === 2 && entries.map((e) => e.text);
  }, "the approval and the result in the agent's inbox");
  expect(inbox[0]).toContain("approved by alice");
  expect(inbox[1]).toContain("succeeded");
  expect(inbox[1]).toContain("exited with code 0");
  expect(inbox[1]).toContain(`in ${server.dir}`);
  await eventually(async () => (await inboxWindow()).includes(`Request ${id} succeeded`), "the result shown in the gatehouse window");
});

it("a failing command's exit code reaches the agent's wait and its inbox", async () => {
  const { id, waiting } = await askAndApprove("echo 'FAIL src/app.test.ts' >&2; exit 4");
  const { last } = await waiting;
  expect(last).toMatchObject({ status: "failed", exitCode: 4, output: "FAIL src/app.test.ts\n" });
  await eventually(async () => (await inboxWindow()).includes(`Request ${id} failed`), "the failure shown in the gatehouse window");
  const events = await api.call("GET", `/api/requests/${id}/events`, { token: api.tokens.agent });
  expect(events.body.items.map((e: { from: string | null; to: string }) => `${e.from}->${e.to}`)).toEqual([
    "null->pending",
    "pending->queued",
    "queued->running",
    "running->failed",
  ]);
});

it("while a command runs, the dashboard's detail route shows its output so far (worker and web agree on the job directory)", async () => {
  const gate = path.join(server.dir, "gate");
  const { id, waiting } = await askAndApprove(`echo 'step 1 of 2 done'; while [ ! -e ${gate} ]; do sleep 0.02; done; echo 'step 2 of 2 done'`);
  const detail = () => api.call("GET", `/api/dashboard/requests/${id}`, { token: api.tokens.alice });
  const live = await eventually(async () => {
    const d = (await detail()).body as { request: ApiRequest; live: { output: string; running: boolean } | null };
    return d.request.status === "running" && d.live?.output === "step 1 of 2 done\n" && d.live;
  }, "the first step's output on the detail route while the command runs");
  expect(live.running).toBe(true);
  writeFileSync(gate, "");
  const { last } = await waiting;
  expect(last).toMatchObject({ status: "succeeded", output: "step 1 of 2 done\nstep 2 of 2 done\n" });
  expect((await detail()).body.live).toBeNull();
});
