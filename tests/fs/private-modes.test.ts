import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../lib/db/sqlite/client";
import { openSqliteStore } from "../../lib/db/sqlite/store";
import { runCommand } from "../../lib/tmux/runner";
import { message } from "../support/pg";
import { privateServer, type PrivateServer } from "../tmux/private-server";

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "gh-modes-"));
  // The most permissive umask: the modes must come from Gatehouse, not from the environment.
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe("owner-only files", () => {
  it("a new database, its WAL and SHM files are 0600, in a new directory of 0700", () => {
    const file = path.join(dir, "new", "data", "gatehouse.db");
    const db = openDb(file);
    try {
      db.$client.exec("CREATE TABLE IF NOT EXISTS mode_probe (x); INSERT INTO mode_probe VALUES (1)");
      expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual(["600", "600", "600"]);
      expect([mode(path.join(dir, "new")), mode(path.dirname(file))]).toEqual(["700", "700"]);
    } finally {
      db.$client.close();
    }
  });

  it("the -work file that a commit writing work touches, to wake other processes' workers, is 0600", async () => {
    const file = path.join(dir, "gatehouse.db");
    const store = openSqliteStore(file);
    try {
      await store.enqueue([message()]);
      expect(mode(`${file}-work`)).toBe("600");
    } finally {
      await store.close();
    }
  });

  it("a database an older version left readable by others is tightened when opened; its existing directory is left alone", () => {
    const shared = path.join(dir, "shared");
    mkdirSync(shared, { mode: 0o755 });
    const file = path.join(shared, "gatehouse.db");
    const first = openDb(file);
    first.$client.exec("CREATE TABLE mode_probe (x)");
    const files = [file, `${file}-wal`, `${file}-shm`];
    for (const f of files) chmodSync(f, 0o644);
    const db = openDb(file);
    try {
      expect(files.map(mode)).toEqual(["600", "600", "600"]);
      expect(mode(shared)).toBe("755");
    } finally {
      db.$client.close();
      first.$client.close();
    }
  });

  describe("job directories", () => {
    let server: PrivateServer;
    beforeEach(async () => {
      server = await privateServer();
      await server.session("main");
    });
    afterEach(() => server.stop());

    it("are 0700, and the command, its directory and its output inside are 0600", async () => {
      const root = path.join(dir, "jobs");
      const jobDir = path.join(root, "J1");
      const result = await runCommand(server.tmux, "main", { command: "echo secret-output", cwd: dir, timeoutMs: 30_000, jobDir });
      expect(result.output).toBe("secret-output\n");
      expect([mode(root), mode(jobDir)]).toEqual(["700", "700"]);
      for (const f of ["command", "cwd", "output"]) expect(mode(path.join(jobDir, f)), f).toBe("600");
    });
  });
});
