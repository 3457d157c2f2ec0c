import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { enqueue } from "../../lib/queue/enqueue";
import { listWorkers } from "../../lib/queue/workers";
import { eventually } from "../support/eventually";
import { countMessages } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers, startWorker } from "../support/worker-process";
import { testRecord } from "./fixtures/actors";
import { runLog } from "./run-log";

const t = useTempDb({ teardown: killWorkers });

const live = async () => (await listWorkers(t.store)).filter((w) => w.stoppedAt === null);

describe("the supervisor", () => {
  it("restarts a worker process that dies", async () => {
    const worker = startWorker({ db: t.env, args: ["--processes", "2"] });
    await worker.ready(2);
    const [victim] = await live();
    process.kill(victim!.pid, "SIGKILL");
    await worker.ready(3);
    expect(worker.output()).toMatch(new RegExp(`worker process ${victim!.pid} died`));
    const pids = (await live()).map((w) => w.pid);
    expect(pids).toHaveLength(3); // the killed one never recorded its stop
    expect(await worker.stop(), worker.output()).toBe(0);
    expect((await listWorkers(t.store)).filter((w) => w.stoppedAt === null).map((w) => w.pid)).toEqual([victim!.pid]);
  });

  it("rolls the workers over on SIGHUP with a claiming worker at every moment, losing nothing", async () => {
    const log = runLog(t);
    const worker = log.worker({ args: ["--processes", "2"] });
    await worker.ready(2);
    const before = await live();

    let n = 0;
    const ids: number[] = [];
    const feeding = new Set<Promise<void>>();
    const feeder = setInterval(() => {
      const fed = enqueue(t.store, testRecord.name, { n: n++ }).then((e) => void ids.push(e.id));
      feeding.add(fed);
      void fed.finally(() => feeding.delete(fed));
    }, 5);
    worker.proc.kill("SIGHUP");
    await worker.printed(/rolling restart done/);
    clearInterval(feeder);
    await Promise.all(feeding);

    const all = await listWorkers(t.store);
    const fresh = all.filter((w) => !before.some((b) => b.id === w.id));
    expect(fresh).toHaveLength(2);
    // Whenever an old worker stopped, another worker had already started and was still running.
    for (const old of before) {
      const stoppedAt = all.find((w) => w.id === old.id)!.stoppedAt;
      expect(stoppedAt).not.toBeNull();
      const cover = all.filter(
        (w) => w.id !== old.id && w.startedAt <= stoppedAt! && (w.stoppedAt === null || w.stoppedAt >= stoppedAt!),
      );
      expect(cover.length).toBeGreaterThan(0);
    }

    await eventually(async () => (await countMessages(t.store)) === 0, "every message fed during the restart finished");
    const runs = log.runs();
    expect(runs).toHaveLength(ids.length);
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(ids));
    expect(await worker.stop(), worker.output()).toBe(0);
  });

  it("runs the current sources after SIGHUP, and keeps the running workers when they do not build", async () => {
    // A handler module that the test rewrites, as a deploy would; it answers with its version.
    const module = path.join(t.dir, "versioned.ts");
    const answers = path.join(t.dir, "answers.log");
    const version = (v: string) =>
      writeFileSync(
        module,
        `import { appendFileSync } from "node:fs";
import { testRecord } from ${JSON.stringify(path.resolve("tests/worker/fixtures/actors.ts"))};
import { bind } from ${JSON.stringify(path.resolve("worker/handler.ts"))};
export const handlers = bind(testRecord, async () => appendFileSync(${JSON.stringify(answers)}, "${v}\\n"));
`,
      );
    const answered = () => (existsSync(answers) ? readFileSync(answers, "utf8").split("\n").filter(Boolean) : []);
    const ask = async (expected: string[]) => {
      await enqueue(t.store, testRecord.name, { n: 0 });
      await eventually(() => answered().join() === expected.join(), `answers ${expected.join()}`);
    };

    version("v1");
    const worker = startWorker({ db: t.env, args: ["--handlers", module] });
    await worker.ready();
    await ask(["v1"]);

    writeFileSync(module, "export const handlers = {"); // a broken deploy
    worker.proc.kill("SIGHUP");
    await worker.printed(/does not build; keeping the running processes/);
    await ask(["v1", "v1"]);

    version("v2");
    worker.proc.kill("SIGHUP");
    await worker.printed(/rolling restart done/);
    await ask(["v1", "v1", "v2"]);
    expect(await worker.stop(), worker.output()).toBe(0);
  });
});
