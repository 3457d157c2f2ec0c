// The web server's SQLite connection folds its WAL into the database file on a thread of its own,
// soon after each commit, so that no request waits behind a fold's fsyncs (lib/db/sqlite/checkpointer.ts).
import Database from "better-sqlite3";
import { copyFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { enqueueMany } from "../../lib/queue/enqueue";
import { eventually } from "../support/eventually";
import { tempDb, TEST_STORE, type TempDb } from "../support/temp-db";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** How many messages the database file holds on its own, without its WAL (a copy, read apart); 0 before its tables reach it. */
function messagesInFileAlone(file: string): number {
  const copy = path.join(path.dirname(file), "copy.db");
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
  t = tempDb("gatehouse-fold-", opts);
  await enqueueMany(t.store, [{ actor: "noop", payload: 1 }, { actor: "noop", payload: 2 }]);
  return t.file;
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
