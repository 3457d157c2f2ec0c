import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb, type Db } from "../../lib/db/client";

export interface TempDb {
  db: Db;
  file: string;
  dir: string;
  cleanup: () => void;
}

/** A fresh, migrated SQLite file in its own temp dir; `cleanup` closes and removes it. */
export function tempDb(prefix = "gatehouse-test-"): TempDb {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const file = path.join(dir, "gatehouse.db");
  const db = openDb(file);
  return {
    db,
    file,
    dir,
    cleanup: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
