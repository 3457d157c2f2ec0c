// Worker processes run their code as one minified bundle (worker/bundle.ts), for memory. These
// check what that must keep: the memory it saves, and stack traces that still name the sources.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { enqueue } from "../../lib/queue/enqueue";
import { buildWorkerBundle } from "../../worker/bundle";
import { eventually } from "../support/eventually";
import { messageRow } from "../support/message-row";
import { useTempDb } from "../support/use-temp-db";
import { killWorkers } from "../support/worker-process";
import { testThrow } from "./fixtures/actors";
import { runLog } from "./run-log";

const t = useTempDb({ teardown: killWorkers });

describe("the worker's bundle", () => {
  it("leaves out what a worker process does not need, and is ASCII", async () => {
    const file = await buildWorkerBundle([]);
    const { sources } = JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] };
    expect(sources.filter((s) => s.endsWith("lib/queue/claim.ts"))).toHaveLength(1);
    // Classic zod costs a worker ~3 MB (its modules use zod/mini); tsx and esbuild are build tools.
    expect(sources.filter((s) => /zod\/v4\/classic|node_modules\/(tsx|esbuild)\//.test(s))).toEqual([]);
    // V8 keeps a script with any non-ASCII character as two bytes per character.
    expect(readFileSync(file).findIndex((byte) => byte > 0x7f)).toBe(-1);
  });

  it("holds only the store in use: a worker on SQLite carries no PostgreSQL code, and one on PostgreSQL no SQLite code", async () => {
    const sourcesOf = async () => (JSON.parse(readFileSync(`${await buildWorkerBundle([])}.map`, "utf8")) as { sources: string[] }).sources;
    const has = (sources: string[], part: string) => sources.some((s) => s.includes(part));
    const saved = process.env.GATEHOUSE_DATABASE_URL;
    try {
      delete process.env.GATEHOUSE_DATABASE_URL;
      const sqlite = await sourcesOf();
      expect([has(sqlite, "lib/db/sqlite/"), has(sqlite, "lib/db/postgres/"), has(sqlite, "drizzle-orm/pg-core/")]).toEqual([true, false, false]);
      process.env.GATEHOUSE_DATABASE_URL = "postgres://gatehouse@127.0.0.1:1/gatehouse";
      const postgres = await sourcesOf();
      expect([has(postgres, "lib/db/postgres/"), has(postgres, "lib/db/sqlite/"), has(postgres, "drizzle-orm/sqlite-core/")]).toEqual([true, false, false]);
    } finally {
      if (saved === undefined) delete process.env.GATEHOUSE_DATABASE_URL;
      else process.env.GATEHOUSE_DATABASE_URL = saved;
    }
  });

  it("is one file per process that builds it; those of ended processes are removed", async () => {
    const mine = await buildWorkerBundle([]);
    expect(path.basename(mine)).toBe(`worker-${process.pid}.cjs`);
    const ended = spawnSync(process.execPath, ["-e", ""]).pid;
    const left = path.join(path.dirname(mine), `worker-${ended}.cjs`);
    writeFileSync(left, "");
    writeFileSync(`${left}.map`, "");
    await buildWorkerBundle([]);
    expect([existsSync(left), existsSync(`${left}.map`), existsSync(mine)]).toEqual([false, false, true]);
  });

  it("gives stack traces that name the TypeScript function, file and line", async () => {
    const worker = runLog(t).worker();
    await worker.ready();
    const { id } = await enqueue(t.store, testThrow.name, null);
    await eventually(async () => (await messageRow(t.store, id)).state === "dead", "the failing message dead");
    expect((await messageRow(t.store, id)).lastError).toMatch(
      /^Error: test_throw failed on purpose\n\s+at failOnPurpose \(.*tests\/worker\/fixtures\/actors\.ts:\d+:\d+\)/,
    );
    expect(await worker.stop()).toBe(0);
  });
});
