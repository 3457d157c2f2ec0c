import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { getRequest } from "../../lib/requests/lifecycle";
import { listEvents } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { agent, submit } from "./fixtures";

const run = promisify(execFile);
const t = useTempDb();

it("two supervisors approving at once from two processes: one wins, one gets 409, one message", async () => {
  const child = path.join(__dirname, "race-child.ts");
  for (let round = 0; round < 3; round++) {
    const r = submit(t.db, agent(t.db, `racer-${round}`));
    const startAt = String(Date.now() + 2500);
    const results = await Promise.all(
      ["alice", "bob"].map(async (name) => {
        const { stdout } = await run(process.execPath, ["--import", "tsx", child, t.file, r.id, name, startAt], { cwd: process.cwd() });
        return JSON.parse(stdout) as { ready: boolean; ok: boolean; status?: number; message?: string };
      }),
    );
    expect(results.every((x) => x.ready)).toBe(true);
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    const loser = results.find((x) => !x.ok);
    expect(loser?.status).toBe(409);
    const winner = getRequest(t.db, r.id)?.decidedBy;
    expect(loser?.message).toContain(`is queued (decided by ${winner}`);
    const messages = t.db.$client
      .prepare("SELECT count(*) AS n FROM messages WHERE actor = 'execute_approved_command' AND payload = ?")
      .get(JSON.stringify({ requestId: r.id }));
    expect(messages).toEqual({ n: 1 });
    expect(listEvents(t.db, r.id).filter((e) => e.toStatus === "queued")).toHaveLength(1);
  }
});
