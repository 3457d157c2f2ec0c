import { describe, expect, it } from "vitest";
import type { ApiError } from "../../lib/http/errors";
import { approveRequest, getRequest, rejectRequest } from "../../lib/requests/lifecycle";
import { recordOutcome, OUTCOME_OUTPUT_CHARS } from "../../lib/requests/outcome";
import { listEvents } from "../../lib/requests/read";
import { addRule } from "../../lib/requests/rules";
import { useTempDb } from "../support/use-temp-db";
import { agent, alice, allMessageCount, submit } from "./fixtures";

const t = useTempDb();

async function refusalOf(fn: () => Promise<unknown>): Promise<ApiError> {
  try {
    await fn();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error("expected a refusal");
}

describe("gate requests (the agent runs the command itself)", () => {
  it("an approval allows it: status allowed, nothing queued to run and no inbox notice", async () => {
    const r = await submit(t.store, await agent(t.store), { kind: "gate", command: "make deploy" });
    expect(r).toMatchObject({ status: "pending", kind: "gate" });
    const allowed = await approveRequest(t.store, r.id, alice, { comment: "go ahead" });
    expect(allowed).toMatchObject({ status: "allowed", decidedBy: "alice", decisionComment: "go ahead", queuedAt: null });
    expect(await allMessageCount(t.store)).toBe(0);
    expect((await listEvents(t.store, r.id)).map((e) => [e.fromStatus, e.toStatus, e.actor])).toEqual([
      [null, "pending", "agent:backend-api"],
      ["pending", "allowed", "alice"],
    ]);
  });

  it("the policy allows or denies it at once, and a rejection carries the person's reason", async () => {
    const a = await agent(t.store);
    await addRule(t.store, { kind: "allow", pattern: "git status" }, "root");
    expect(await submit(t.store, a, { kind: "gate", command: "git status" })).toMatchObject({ status: "allowed", decidedBy: expect.stringMatching(/^policy:/) });
    expect(await submit(t.store, a, { kind: "gate", command: "sudo reboot" })).toMatchObject({ status: "rejected", decidedBy: "policy:default-deny-sudo-args" });
    const asked = await submit(t.store, a, { kind: "gate", command: "rm -rf build" });
    expect((await rejectRequest(t.store, asked.id, alice, "use make clean")).decisionComment).toBe("use make clean");
    expect(await allMessageCount(t.store)).toBe(0);
  });

  it("records its outcome once, with an audit event; the status stays allowed", async () => {
    const a = await agent(t.store);
    const r = await approveRequest(t.store, (await submit(t.store, a, { kind: "gate" })).id, alice);
    const done = await recordOutcome(t.store, r, a, { exitCode: 2, outputTail: "x".repeat(OUTCOME_OUTPUT_CHARS + 10) }, 1_700_000_000_000);
    expect(done).toMatchObject({ status: "allowed", exitCode: 2, outputTruncated: true, finishedAt: 1_700_000_000_000 });
    expect(done.output).toHaveLength(OUTCOME_OUTPUT_CHARS);
    expect((await listEvents(t.store, r.id)).at(-1)).toMatchObject({ fromStatus: "allowed", toStatus: "allowed", actor: "agent:backend-api", reason: "exit code 2 in the agent" });
    const again = await refusalOf(() => recordOutcome(t.store, done, a, { interrupted: true, outputTail: "" }));
    expect(again.status).toBe(409);
    expect((await getRequest(t.store, r.id))?.exitCode).toBe(2);
  });

  it("a run whose agent reports no exit code is recorded with its output and no code", async () => {
    const a = await agent(t.store);
    const r = await approveRequest(t.store, (await submit(t.store, a, { kind: "gate" })).id, alice);
    expect(await recordOutcome(t.store, r, a, { interrupted: false, outputTail: "done\n" })).toMatchObject({ exitCode: null, output: "done\n", lastError: null });
    expect((await listEvents(t.store, r.id)).at(-1)?.reason).toBe("ran in the agent (no exit code reported)");
  });

  it("an interrupted run is recorded as such", async () => {
    const a = await agent(t.store);
    const r = await approveRequest(t.store, (await submit(t.store, a, { kind: "gate" })).id, alice);
    expect(await recordOutcome(t.store, r, a, { interrupted: true, outputTail: "^C" })).toMatchObject({ exitCode: null, lastError: "interrupted in the agent", output: "^C" });
  });

  it("refuses an outcome for a request Gatehouse runs, or one not yet allowed", async () => {
    const a = await agent(t.store);
    const run = await approveRequest(t.store, (await submit(t.store, a)).id, alice);
    expect((await refusalOf(() => recordOutcome(t.store, run, a, { exitCode: 0, outputTail: "" }))).message).toMatch(/is queued.*run by Gatehouse/);
    const pending = await submit(t.store, a, { kind: "gate" });
    expect((await refusalOf(() => recordOutcome(t.store, pending, a, { exitCode: 0, outputTail: "" }))).message).toMatch(/is pending/);
  });
});
