import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { getRequest } from "../../lib/requests/lifecycle";
import { listEvents } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { agent, submit } from "./fixtures";

const t = useTempDb();

/** A racer process; `ready` resolves once it has opened the database, `result` with its answer. */
function racer(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "race-child.ts"), ...args], { cwd: process.cwd() });
  let out = "";
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.startsWith("ready\n")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`race-child exited ${code} before it was ready: ${err}`)));
  });
  const result = new Promise<{ ok: boolean; status?: number; message?: string }>((resolve, reject) => {
    child.on("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code === 0) resolve(JSON.parse(last) as { ok: boolean; status?: number; message?: string });
      else reject(new Error(`race-child exited ${code}: ${err}`));
    });
  });
  return { ready, result };
}

it("two supervisors approving at once from two processes: one wins, one gets 409, one message", async () => {
  for (let round = 0; round < 3; round++) {
    const r = submit(t.db, agent(t.db, `racer-${round}`));
    // Both start only once both are ready, however slowly each process starts on a busy machine.
    const go = path.join(t.dir, `go-${round}`);
    const racers = ["alice", "bob"].map((name) => racer([t.file, r.id, name, go]));
    await Promise.all(racers.map((x) => x.ready));
    writeFileSync(go, "");
    const results = await Promise.all(racers.map((x) => x.result));
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
