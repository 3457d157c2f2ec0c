// Apart from temp-db.ts because it registers vitest hooks, and the benchmarks use tempDb too.
import { afterEach, beforeEach } from "vitest";
import { tempDb, type TempDb } from "./temp-db";

/**
 * A fresh database for each test of the file: `t.db`, `t.file` and `t.dir` are the current test's.
 * After each test, `teardown` (stopping whatever still uses the file: worker processes, a loop)
 * runs before the file is closed and removed.
 */
export function useTempDb(opts: { prefix?: string; teardown?: () => unknown } = {}): Omit<TempDb, "cleanup"> {
  let current: TempDb | undefined;
  beforeEach(() => {
    current = tempDb(opts.prefix);
  });
  afterEach(async () => {
    await opts.teardown?.();
    current?.cleanup();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error("useTempDb: the database exists only while a test runs");
    return current;
  };
  return {
    get db() {
      return now().db;
    },
    get file() {
      return now().file;
    },
    get dir() {
      return now().dir;
    },
  };
}
