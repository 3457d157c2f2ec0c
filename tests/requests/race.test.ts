import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { getRequest } from "../../lib/requests/lifecycle";
import { listEvents } from "../../lib/requests/read";
import { eventually } from "../support/eventually";
import { useTempDb } from "../support/use-temp-db";
import { agent, submit, takeMessages } from "./fixtures";

const t = useTempDb();

interface Outcome {
  ready: boolean;
  ok: boolean;
  status?: number;
  message?: string;
}

/** A racing process: `ready` once it has the store open, `go(startAt)` to let it approve at that time. */
function racer(id: string, name: string) {
  const child = path.join(__dirname, "race-child.ts");
  // The child opens the store the environment names; nothing else of this process's settings.
  const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DB: undefined, GATEHOUSE_DATABASE_URL: undefined, ...t.env };
  const proc = spawn(process.execPath, ["--import", "tsx", child, id, name], { cwd: process.cwd(), env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return {
    ready: () => eventually(() => stdout.startsWith("ready\n") || proc.exitCode !== null, `${name} to open the store`, 30_000),
    go: (startAt: number) => proc.stdin.write(`${startAt}\n`),
    outcome: async (): Promise<Outcome> => {
      const code = await exited;
      if (code !== 0) throw new Error(`${name} exited with ${code}: ${stderr}`);
      return JSON.parse(stdout.slice("ready\n".length)) as Outcome;
    },
  };
}

it("two supervisors approving at once from two processes: one wins, one gets 409, one message", async () => {
  for (let round = 0; round < 3; round++) {
    const r = await submit(t.store, await agent(t.store, `racer-${round}`));
    const racers = ["alice", "bob"].map((name) => racer(r.id, name));
    await Promise.all(racers.map((x) => x.ready()));
    const startAt = Date.now() + 300;
    for (const x of racers) x.go(startAt);
    const results = await Promise.all(racers.map((x) => x.outcome()));
    expect(results.every((x) => x.ready)).toBe(true);
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    const loser = results.find((x) => !x.ok);
    expect(loser?.status).toBe(409);
    const winner = (await getRequest(t.store, r.id))?.decidedBy;
    expect(loser?.message).toContain(`is queued (decided by ${winner}`);
    // This round's execution messages (those of the rounds before were taken then).
    const messages = (await takeMessages(t.store, "execute_approved_command")).filter((m) => JSON.stringify(m.payload) === JSON.stringify({ requestId: r.id }));
    expect({ n: messages.length }).toEqual({ n: 1 });
    expect((await listEvents(t.store, r.id)).filter((e) => e.toStatus === "queued")).toHaveLength(1);
  }
});
