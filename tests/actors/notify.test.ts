import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expirePending, rejectRequest } from "../../lib/requests/lifecycle";
import { lastLines } from "../../lib/requests/notices";
import { sql } from "../api/sql";
import { eventually } from "../support/eventually";
import { alice, linesOf, world, type World } from "./harness";

let w: World;
beforeEach(async () => {
  w = await world();
});
afterEach(async () => {
  await w.stop();
});

/** The inbox texts of a session that mention request `id`, once there are `n` of them. */
const notices = (session: string, id: string, n: number) =>
  eventually(async () => {
    const texts = (await w.inbox(session)).map((e) => e.text).filter((t) => t.includes(id));
    return texts.length >= n && texts;
  }, `${n} notice(s) about ${id} in ${session}'s inbox`);

/** The request's notice message(s). */
const notifications = (requestId: string) => w.messages("notify_session", requestId);

describe("notify_session", () => {
  it("tells the agent of the approval, then of the result with the exit code and the last lines of output", async () => {
    w.worker();
    const r = await w.approved("seq 1 15; exit 3", { reason: "count" });
    await w.reaches(r.id, "failed");
    const [approved, finished] = await notices("agent-a", r.id, 2);
    expect(approved).toBe(`Request ${r.id} approved by alice: "seq 1 15; exit 3" is queued to run.`);
    expect(finished).toBe(
      `Request ${r.id} failed: "seq 1 15; exit 3" exited with code 3.\nLast lines of output:\n` +
        ["6", "7", "8", "9", "10", "11", "12", "13", "14", "15"].join("\n"),
    );
  });

  it("tells of a rejection with its reason, and of an expiry", async () => {
    w.worker();
    const rejected = await w.submitted("rm -rf build");
    await rejectRequest(w.t.store, rejected.id, alice, "use `make clean`; not rm -rf");
    const expiring = await w.submitted("make deploy");
    await sql(w.t.store, "UPDATE requests SET expires_at = 0 WHERE id = ?", [expiring.id]);
    expect(await expirePending(w.t.store, 1)).toBe(1); // time is injected
    expect(await notices("agent-a", rejected.id, 1)).toEqual([
      `Request ${rejected.id} rejected by alice: "rm -rf build" will not run. Reason: use \`make clean\`; not rm -rf`,
    ]);
    expect((await notices("agent-a", expiring.id, 1))[0]).toMatch(/^Request \w+ expired: "make deploy" got no decision in time/);
  });

  it("shows command text exactly as given: quotes, $(), backticks, #{…}, escapes and unicode", async () => {
    w.worker();
    const command = `echo '$(touch /tmp/x)' "\`id\`" '#{session_name}' '-R' 'C-c' $'\\e[31m' "ünï ✓"`;
    const r = await w.approved(command);
    await w.reaches(r.id, "succeeded");
    const [approved] = await notices("agent-a", r.id, 1);
    expect(approved).toContain(JSON.stringify(command));
  });

  it("the agent hears of an approval while another command of its session is still running", async () => {
    const gate = path.join(w.server.dir, "gate");
    const log = path.join(w.server.dir, "log");
    w.worker();
    const first = await w.approved(`echo started >> ${log}; while [ ! -e ${gate} ]; do sleep 0.02; done`);
    await eventually(() => linesOf(log).length === 1, "the first command to start");
    const second = await w.approved("echo second");
    await notices("agent-a", second.id, 1);
    expect((await w.request(first.id)).status).toBe("running");
    writeFileSync(gate, "");
    await w.reaches(second.id, "succeeded");
  });

  it("a notice for a session that does not exist is retried a bounded number of times, then dead-lettered", async () => {
    w.worker();
    const r = await w.submitted("make test", { session: "missing" });
    await rejectRequest(w.t.store, r.id, alice, "no");
    const [first] = await eventually(async () => {
      const rows = await notifications(r.id);
      return rows[0]?.attempts === 1 && rows[0].state === "ready" && rows;
    }, "the first failed delivery");
    expect(first!.lastError).toContain('tmux session "missing" does not exist');
    // Time is injected: the notice as it is after its last retry came due.
    await sql(w.t.store, "UPDATE messages SET attempts = max_retries, run_at = 0 WHERE id = ?", [first!.id]);
    await eventually(async () => (await notifications(r.id))[0]?.state === "dead", "the notice to be a dead letter");
    expect(await notifications(r.id)).toMatchObject([{ state: "dead", attempts: 11, deadReason: "retries_exhausted" }]);
    expect((await w.request(r.id)).status).toBe("rejected"); // a lost notice changes nothing about the request
  });
});

describe("lastLines", () => {
  it("keeps the last lines, not counting a final newline", () => {
    expect(lastLines("a\nb\nc\n", 2)).toBe("b\nc");
    expect(lastLines("only", 10)).toBe("only");
    expect(lastLines("", 10)).toBe("");
  });
});
