import { describe, expect, it } from "vitest";
import { readRequest } from "../../lib/hook/decision";
import { parseEvent } from "../../lib/hook/event";
import { outcomeOf, tail } from "../../lib/hook/outcome";
import * as events from "./events";

const request = (status: string, decision: { by: string; comment: string | null } | null = null) => ({ id: "R1", status, decision });

describe("a gate request's status as the hook's verdict", () => {
  it("allows once approved, by a person or the policy", () => {
    for (const s of ["allowed", "queued", "running", "succeeded", "failed"]) expect(readRequest(request(s)).kind).toBe("allow");
    expect(readRequest(request("allowed", { by: "policy:allow-tests", comment: null }))).toEqual({
      kind: "allow",
      reason: "Gatehouse request R1 approved by policy:allow-tests",
    });
  });

  it("denies a rejection with the person's reason first", () => {
    const r = readRequest(request("rejected", { by: "alice", comment: "not on a Friday" }));
    expect(r).toEqual({ kind: "deny", reason: "not on a Friday (Gatehouse request R1, rejected by alice)" });
  });

  it("waits while pending and never allows an ended or unknown status", () => {
    expect(readRequest(request("pending")).kind).toBe("waiting");
    for (const s of ["expired", "cancelled", "dead", "something-new"]) expect(readRequest(request(s)).kind).toBe("undecided");
  });
});

describe("the outcome PostToolUse records", () => {
  it("takes the output's last lines and whether it was interrupted, and invents no exit code", () => {
    const e = parseEvent(
      JSON.stringify({ ...events.claudePostToolUse, tool_response: { stdout: "removed\n", stderr: "warning: x\n", interrupted: false, isImage: false } }),
    );
    if (!e.ok) throw new Error(e.problem);
    expect(outcomeOf(e.event)).toEqual({ interrupted: false, outputTail: "removed\nwarning: x" });
  });

  it("reads the exit code of a failure", () => {
    const e = parseEvent(JSON.stringify(events.claudePostToolUseFailure));
    if (!e.ok) throw new Error(e.problem);
    expect(outcomeOf(e.event)).toMatchObject({ exitCode: 1, interrupted: false });
    expect(outcomeOf(e.event).outputTail).toContain("1 failed");
  });

  it("caps the tail by lines and characters", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    expect(tail(lines).split("\n")).toHaveLength(40);
    expect(tail(lines).endsWith("line 99")).toBe(true);
    expect(tail("y".repeat(10_000))).toHaveLength(4000);
  });
});
