// Web and workers on several hosts start together against one new database: each process migrates
// under the same advisory lock, so the migrations apply once and every process starts.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { connectPg } from "@/lib/db/postgres/client";
import { PG_MIGRATIONS } from "@/lib/db/postgres/migrate";
import { baseUrl, dropPgDatabase, onPostgres, withDatabase } from "../support/pg";

// Each child connects, says "ready", waits for "go" on stdin so that all migrate at the same
// moment, then migrates and exits 0, or prints the error and exits 1.
const CHILD = `
import { createInterface } from "node:readline";
import { connectPg } from "./lib/db/postgres/client.ts";
import { migratePg } from "./lib/db/postgres/migrate.ts";
const pg = connectPg(process.env.MIGRATE_URL, { poolSize: 1, statementTimeoutMs: 30000 });
await pg.query("SELECT 1");
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) if (line === "go") break;
try {
  await migratePg(pg);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await pg.close();
}`;

function startChild(url: string): { child: ChildProcess; ready: Promise<void>; stderr: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
    cwd: path.resolve(__dirname, "../.."),
    env: { ...process.env, MIGRATE_URL: url },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const ready = (async () => {
    for await (const line of createInterface({ input: child.stdout })) if (line === "ready") return;
    throw new Error(`child exited before it was ready: ${err}`);
  })();
  return { child, ready, stderr: () => err };
}

describe.skipIf(!onPostgres)("PostgreSQL migrations", () => {
  it("apply once when several processes start on a new database at the same moment", async () => {
    const base = baseUrl();
    const name = `gh_migrate${Math.random().toString(36).slice(2, 10)}`;
    const admin = connectPg(base, { poolSize: 1, statementTimeoutMs: 30_000 });
    await admin.query(`CREATE DATABASE ${name}`);
    const url = withDatabase(base, name);
    try {
      const children = Array.from({ length: 4 }, () => startChild(url));
      await Promise.all(children.map((c) => c.ready));
      const exits = children.map((c) => once(c.child, "exit") as Promise<[number | null]>);
      for (const c of children) c.child.stdin!.end("go\n");
      const codes = (await Promise.all(exits)).map(([code]) => code);
      expect(codes, children.map((c) => c.stderr()).join("\n")).toEqual([0, 0, 0, 0]);

      const journal = JSON.parse(readFileSync(path.join(PG_MIGRATIONS, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
      const db = connectPg(url, { poolSize: 1, statementTimeoutMs: 30_000 });
      try {
        const [applied] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`);
        expect(applied!.n).toBe(journal.entries.length);
        const [triggers] = await db.query<{ n: number }>(
          `SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = 'requests'::regclass AND NOT tgisinternal`,
        );
        expect(triggers!.n).toBeGreaterThan(0);
      } finally {
        await db.close();
      }
    } finally {
      await admin.close();
      await dropPgDatabase(url);
    }
  });
});
