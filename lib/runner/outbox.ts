// Reports the server has not accepted yet, one file each: a result survives the server being
// down, the network failing and the runner itself restarting, and is sent until it is accepted.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Report } from "../runners/protocol";

export class Outbox {
  constructor(readonly dir: string) {}

  private file(id: number): string {
    return path.join(this.dir, `${id}.json`);
  }

  /** Written and renamed into place before the first try to send it. */
  async put(report: Report): Promise<void> {
    const temp = `${this.file(report.id)}.${process.pid}.tmp`;
    const text = JSON.stringify(report);
    try {
      await writeFile(temp, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, text);
    }
    await rename(temp, this.file(report.id));
  }

  async remove(id: number): Promise<void> {
    await rm(this.file(id), { force: true });
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
