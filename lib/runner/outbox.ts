// Reports the server has not accepted yet, one file each: a result survives the server being
// down, the network failing and the runner itself restarting, and is sent until it is accepted.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Report } from "../runners/protocol";

export class Outbox {
  constructor(readonly dir: string) {}

  private file(id: number): string {
    return path.join(this.dir, `${id}.json`);
  }

  /**
   * A report's JSON, written and renamed into place before the first try to send it. Synchronously, as a job's other
   * small files are (see lib/tmux/runner.ts): every job has a report.
   */
  put(id: number, text: string): void {
    const temp = `${this.file(id)}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, text);
    }
    renameSync(temp, this.file(id));
  }

  remove(id: number): void {
    rmSync(this.file(id), { force: true });
  }

  /** Every report left by an earlier run of the runner. */
  async pending(): Promise<Report[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const reports: Report[] = [];
    for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
      try {
        reports.push(JSON.parse(await readFile(path.join(this.dir, name), "utf8")) as Report);
      } catch {
        // A file cut short by a crash before its rename cannot exist; anything else unreadable is skipped.
      }
    }
    return reports;
  }
}
