// Reports the server has not accepted yet: a result survives the server being down, the network
// failing and the runner itself restarting, and is sent until it is accepted.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "../fs-private";
import type { Report } from "../runners/protocol";

export const JOURNAL = "reports.jsonl";

/** The journal is rewritten with only the reports still waiting once this much of it is of taken ones. */
const COMPACT_BYTES = 1024 * 1024;

/** The reports of a journal's text not followed by their `done` line, by id. */
export function waitingIn(journal: string): Map<number, Report> {
  const reports = new Map<number, Report>();
  for (const line of journal.split("\n")) {
    try {
      const entry = JSON.parse(line) as Report | { done: number };
      if ("done" in entry) reports.delete(entry.done);
      else reports.set(entry.id, entry);
    } catch {
      // An empty line, or one cut short by a crash before its report was first sent.
    }
  }
  return reports;
}

/**
 * One append-only journal, `outbox/reports.jsonl`: a line with a report when its job ends, a line
 * `{"done":ID}` once the server has taken it. Appending to a file kept open costs a write each;
 * a file per report cost a create, a rename and an unlink: ~0.4 ms of CPU a job here. A line cut
 * short by a crash is one whose report was never sent (it is written before the first try).
 */
export class Outbox {
  private fd: number | undefined;
  /** The journal's size, and how much of it the waiting reports are. */
  private bytes = 0;
  private waitingBytes = 0;
  /** The JSON of each report not yet taken, by id: what a rewrite keeps. */
  private readonly waiting = new Map<number, string>();
  /** Reports left as files of their own by an earlier version of the runner. */
  private readonly oldFiles = new Map<number, string>();

  constructor(readonly dir: string) {}

  private get journal(): string {
    return path.join(this.dir, JOURNAL);
  }

  /** A report's JSON, on disk before the first try to send it. Synchronously: every job has a report. */
  put(id: number, text: string): void {
    this.forget(id);
    this.waiting.set(id, text);
    this.waitingBytes += Buffer.byteLength(text) + 1;
    this.append(`${text}\n`);
  }

  remove(id: number): void {
    const oldFile = this.oldFiles.get(id);
    if (oldFile) {
      rmSync(oldFile, { force: true });
      this.oldFiles.delete(id);
    }
    if (!this.forget(id)) return;
    if (this.bytes - this.waitingBytes > COMPACT_BYTES) this.rewrite();
    else this.append(`{"done":${id}}\n`);
  }

  /** Drops a report from the waiting ones; whether it was one. */
  private forget(id: number): boolean {
    const text = this.waiting.get(id);
    if (text === undefined) return false;
    this.waiting.delete(id);
    this.waitingBytes -= Buffer.byteLength(text) + 1;
    return true;
  }

  /** Every report an earlier run of the runner left unsent. Called once, at start. */
  async pending(): Promise<Report[]> {
    let text = "";
    try {
      text = await readFile(this.journal, "utf8");
    } catch {
      // No journal yet.
    }
    const reports = waitingIn(text);
    for (const [id, report] of reports) {
      const json = JSON.stringify(report);
      this.waiting.set(id, json);
      this.waitingBytes += Buffer.byteLength(json) + 1;
    }
    for (const report of await this.oldReports()) {
      if (!reports.has(report.id)) reports.set(report.id, report);
    }
    // Start from a journal of whole lines: what follows a cut-short line must not be joined to it.
    if (text) this.rewrite();
    return [...reports.values()];
  }

  /** `ID.json` files, one report each, as earlier versions kept them. */
  private async oldReports(): Promise<Report[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const reports: Report[] = [];
    for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
      const file = path.join(this.dir, name);
      try {
        const report = JSON.parse(await readFile(file, "utf8")) as Report;
        this.oldFiles.set(report.id, file);
        reports.push(report);
      } catch {
        // Unreadable: skipped.
      }
    }
    return reports;
  }

  private append(line: string): void {
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      this.fd = openSync(this.journal, "a", PRIVATE_FILE_MODE);
    }
    this.bytes += writeSync(this.fd, line);
  }

  /** Replaces the journal with one holding only the reports still waiting (a rename: never half of one). */
  private rewrite(): void {
    const text = [...this.waiting.values()].map((t) => `${t}\n`).join("");
    const temp = `${this.journal}.${process.pid}.tmp`;
    mkdirSync(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    writeFileSync(temp, text, { mode: PRIVATE_FILE_MODE });
    renameSync(temp, this.journal);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined; // the next append opens the new file
    this.bytes = Buffer.byteLength(text);
  }
}
