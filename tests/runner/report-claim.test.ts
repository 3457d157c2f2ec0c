// A runner's report may ask for its next jobs: the answer brings them at once, so that a session's
// next command needs no claim of its own; the one-command-per-session limit still holds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunner } from "../../lib/auth/runners";
import { startApi, type Api } from "../api/harness";

interface Job {
  kind: string;
  id: number;
  leaseToken: string;
  requestId: string;
}

const SESSION = "claude-backend-api";
const finished = (output: string) => ({ kind: "finished", exitCode: 0, output, outputTruncated: false, error: null, finishedAt: Date.now() });
const commandsIn = (jobs: unknown) => (jobs as Job[]).filter((j) => j.kind === "command");

describe("a runner's report", () => {
  let api: Api;
  let token: string;
  beforeAll(async () => {
    api = await startApi({ GATEHOUSE_TMUX_SOCKET: `gh-test-none-${process.pid}` });
    token = (await createRunner(api.store, { id: "host-a", sessions: [SESSION] })).token;
  }, 180_000);
  afterAll(async () => {
    await api?.close();
  });

  const approved = async (command: string) => {
    const submitted = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: SESSION, command } });
    expect((await api.call("POST", `/api/requests/${submitted.body.id as string}/approve`, { token: api.tokens.alice, body: {} })).status).toBe(200);
    return submitted.body.id as string;
  };
  const report = (job: Job, output: string, claim?: number) =>
    api.call("POST", "/api/runner/report", { token, body: { id: job.id, leaseToken: job.leaseToken, outcome: finished(output), ...(claim === undefined ? {} : { claim }) } });
  const status = async (id: string) => (await api.call("GET", `/api/requests/${id}`, { token: api.tokens.alice })).body.status;

  it("brings the session's next command when it asks for jobs, and nothing when it does not", async () => {
    const [one, two, three] = [await approved("echo one"), await approved("echo two"), await approved("echo three")];
    const claimed = await api.call("POST", "/api/runner/claim", { token, body: { limit: 10, wait: 0 } });
    const [first, ...more] = commandsIn(claimed.body.jobs);
    expect([first?.requestId, more]).toEqual([one, []]);

    const asked = await report(first!, "one\n", 10);
    expect(asked.status).toBe(200);
    expect(asked.body.recorded).toBe(true);
    const [second, ...rest] = commandsIn(asked.body.jobs);
    expect([second?.requestId, rest]).toEqual([two, []]);
    expect([await status(one), await status(two), await status(three)]).toEqual(["succeeded", "running", "queued"]);

    const unasked = await report(second!, "two\n");
    expect(unasked.body).toMatchObject({ recorded: true, jobs: [] });
    expect(await status(three)).toBe("queued");
    const left = await api.call("POST", "/api/runner/claim", { token, body: { limit: 10, wait: 0 } });
    const [third] = commandsIn(left.body.jobs);
    expect(third?.requestId).toBe(three);
    expect((await report(third!, "three\n")).body.recorded).toBe(true);
  });

  it("refuses a claim outside 0-100 and records nothing", async () => {
    const id = await approved("echo four");
    const claimed = await api.call("POST", "/api/runner/claim", { token, body: { limit: 10, wait: 0 } });
    const [job] = commandsIn(claimed.body.jobs);
    expect(job?.requestId).toBe(id);
    const refused = await report(job!, "four\n", 101);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ message: expect.stringMatching(/claim/) });
    expect(await status(id)).toBe("running");
    expect((await report(job!, "four\n", 0)).body).toMatchObject({ recorded: true, jobs: [] });
  });

  it("records several reports sent in one call, each once, and refuses a bad one without recording any", async () => {
    const ids = [await approved("echo five"), await approved("echo six")];
    const claimed = await api.call("POST", "/api/runner/claim", { token, body: { limit: 10, wait: 0 } });
    const five = commandsIn(claimed.body.jobs)[0]!;
    expect(five.requestId).toBe(ids[0]);
    const reportOfFive = { id: five.id, leaseToken: five.leaseToken, outcome: finished("five\n") };

    const bad = await api.call("POST", "/api/runner/report", { token, body: { reports: [reportOfFive, { ...reportOfFive, outcome: { kind: "exploded" } }] } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.error)).toContain("reports.1.outcome"); // the report at fault, not "invalid input"
    expect(await status(ids[0]!)).toBe("running");

    // The same report twice in one call (a retry that went out with the first): recorded once.
    const sent = await api.call("POST", "/api/runner/report", { token, body: { reports: [reportOfFive, reportOfFive], claim: 1 } });
    expect(sent.status).toBe(200);
    expect(sent.body.recorded).toEqual([true, false]);
    expect(await status(ids[0]!)).toBe("succeeded");
    const [six, ...rest] = commandsIn(sent.body.jobs);
    expect([six?.requestId, rest]).toEqual([ids[1], []]);
    expect((await api.call("POST", "/api/runner/report", { token, body: { reports: [reportOfFive] } })).body).toMatchObject({ recorded: [false], jobs: [] });
    expect((await report(six!, "six\n")).body.recorded).toBe(true);
  });

  it("hands out notices on top of the commands asked for: a notice takes no command slot", async () => {
    // A session of its own: the notices of the tests above are still leased, unreported.
    const shared = (await createRunner(api.store, { id: "host-shared", sessions: ["claude-shared"] })).token;
    const submitted = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: "claude-shared", command: "echo seven" } });
    const id = submitted.body.id as string;
    expect((await api.call("POST", `/api/requests/${id}/approve`, { token: api.tokens.alice, body: {} })).status).toBe(200);
    const claimed = await api.call("POST", "/api/runner/claim", { token: shared, body: { limit: 1, wait: 0 } });
    const jobs = claimed.body.jobs as Job[];
    expect(commandsIn(jobs).map((j) => j.requestId)).toEqual([id]);
    expect(jobs.filter((j) => j.kind === "notice" && j.requestId === id)).toHaveLength(1); // "approved"
    const done = await api.call("POST", "/api/runner/report", {
      token: shared,
      body: { reports: jobs.map((j) => ({ id: j.id, leaseToken: j.leaseToken, outcome: j.kind === "command" ? finished("seven\n") : { kind: "delivered" } })) },
    });
    expect(done.body.recorded).toEqual(jobs.map(() => true));
  });
});
