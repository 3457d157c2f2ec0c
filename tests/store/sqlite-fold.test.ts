// The web server's SQLite connection folds its WAL into the database file on a thread of its own,
// soon after each commit, so that no request waits behind a fold's fsyncs (lib/db/sqlite/checkpointer.ts).
import Database from "better-sqlite3";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStore, type SqliteStore } from "../../lib/db/sqlite/store";
import { enqueueMany } from "../../lib/queue/enqueue";
import { eventually } from "../support/eventually";
import { TEST_STORE } from "../support/temp-db";

let dir: string;
let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** How many messages the database file holds on its own, without its WAL (a copy, read apart); 0 before its tables reach it. */
function messagesInFileAlone(file: string): number {
  const copy = path.join(dir, "copy.db");
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'messages'").get()) return 0;
    return (db.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function afterTwoMessages(opts: { foldInBackground: boolean }): Promise<string> {
  dir = mkdtempSync(path.join(tmpdir(), "gatehouse-fold-"));
  const file = path.join(dir, "gatehouse.db");
  store = openSqliteStore(file, opts);
  await enqueueMany(store, [{ actor: "noop", payload: 1 }, { actor: "noop", payload: 2 }]);
  return file;
}

describe.skipIf(TEST_STORE !== "sqlite")("the web server's WAL fold", () => {
  it("puts a commit into the database file soon, with no fold by the committing connection", async () => {
    const file = await afterTwoMessages({ foldInBackground: true });
    await eventually(() => {
      try {
        return messagesInFileAlone(file) === 2;
      } catch {
        return false; // copied mid-write: try again
      }
    }, "both messages in the database file itself", 5_000);
  });

  it("is not done for a connection opened without it: the commit stays in the WAL until a fold", async () => {
    const file = await afterTwoMessages({ foldInBackground: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(messagesInFileAlone(file)).toBe(0);
  });
});
