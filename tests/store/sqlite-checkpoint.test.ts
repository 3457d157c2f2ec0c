// Who folds SQLite's write-ahead log into the database file: the worker, every second, off the web
// server's request path. The web server's own commits do so only past a far larger WAL.
import { statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../lib/db/sqlite/store";
import { message } from "../support/pg";
import { tempDb, TEST_STORE, type TempDb } from "../support/temp-db";

/** A WAL frame: a 24-byte header and a 4 KiB page; the file starts with a 32-byte header. */
const walFrames = (file: string) => (statSync(`${file}-wal`).size - 32) / (24 + 4096);
/** Every other connection's threshold (lib/db/sqlite/client.ts). */
const DEFAULT_CHECKPOINT_PAGES = 10_000;

let t: TempDb;
let web: SqliteStore;
afterEach(async () => {
  await web?.close();
  await t?.cleanup();
});

describe.skipIf(TEST_STORE !== "sqlite")("the SQLite WAL", () => {
  it("grows past the usual threshold under the web server's commits, and the worker's checkpoint folds it", async () => {
    t = tempDb("gatehouse-checkpoint-");
    web = openSqliteStore(t.file, { migrate: false, checkpointPages: 40_000 });
    await t.store.checkpoint();
    const folded = statSync(t.file).size;
    let n = 0;
    // Each enqueue commits a few pages: 10,000 of them write ~25,000 frames unless someone folds them.
    for (; n < 10_000 && walFrames(t.file) < DEFAULT_CHECKPOINT_PAGES * 1.2; n++) await web.enqueue([message()]);
    expect(walFrames(t.file)).toBeGreaterThanOrEqual(DEFAULT_CHECKPOINT_PAGES * 1.2);
    expect(statSync(t.file).size).toBe(folded);
    await t.store.checkpoint();
    expect(statSync(t.file).size).toBeGreaterThan(folded);
    expect((await t.store.queueCounts())[0]?.ready).toBe(n);
  });
});
