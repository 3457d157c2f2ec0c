import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";

export interface CappedOutput {
  /** The output as UTF-8 text; when truncated, its beginning and end around a marker line. */
  output: string;
  outputTruncated: boolean;
  /** Size of the whole output on disk. */
  totalBytes: number;
}

/** Files the wrapper writes in a job directory. */
export const jobFiles = (jobDir: string) => ({
  command: path.join(jobDir, "command"),
  cwd: path.join(jobDir, "cwd"),
  keep: path.join(jobDir, "keep"),
  output: path.join(jobDir, "output"),
  exit: path.join(jobDir, "exit"),
});

/** The exit code, once the wrapper has written all of it ("CODE\n"). */
export function readExitCode(exitFile: string): number | undefined {
  try {
    const text = readFileSync(exitFile, "utf8");
    return /^\d+\n$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Drops a multi-byte UTF-8 character cut in two at the end of `buf`. */
function trimCutEnd(buf: Buffer): Buffer {
  let i = buf.length;
  let back = 0;
  while (i > 0 && back < 4 && (buf[i - 1]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return buf;
  const lead = buf[i - 1]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? buf.subarray(0, i - 1) : buf;
}

/** Drops continuation bytes of a character cut in two at the start of `buf`. */
function trimCutStart(buf: Buffer): Buffer {
  let i = 0;
  while (i < buf.length && i < 3 && (buf[i]! & 0xc0) === 0x80) i++;
  return buf.subarray(i);
}

/**
 * Reads a command's output, at most `capBytes` of it. Past the cap it keeps the first and the last
 * halves and says how much was cut between them: the start shows what ran, the end how it ended
 * (the failing test, the error) — both matter more to an agent than the middle.
 */
export function readCappedOutput(file: string, capBytes: number): CappedOutput {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { output: "", outputTruncated: false, totalBytes: 0 };
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= capBytes) {
      const buf = Buffer.alloc(size);
      const bytesRead = readSync(fd, buf, 0, size, 0);
      return { output: buf.subarray(0, bytesRead).toString("utf8"), outputTruncated: false, totalBytes: bytesRead };
    }
    const half = Math.floor((capBytes - 64) / 2);
    const head = Buffer.alloc(half);
    const tail = Buffer.alloc(half);
    readSync(fd, head, 0, half, 0);
    readSync(fd, tail, 0, half, size - half);
    const cut = size - 2 * half;
    const marker = `\n[gatehouse: ${cut} bytes of output cut here]\n`;
    return {
      output: trimCutEnd(head).toString("utf8") + marker + trimCutStart(tail).toString("utf8"),
      outputTruncated: true,
      totalBytes: size,
    };
  } finally {
    closeSync(fd);
  }
}

export interface LiveOutput extends CappedOutput {
  /** False once the wrapper has written the exit code. */
  running: boolean;
  exitCode: number | null;
}

/** The output so far of a job that may still be running (the detail page polls this). */
export function readLiveOutput(jobDir: string, capBytes: number = config().GATEHOUSE_OUTPUT_CAP_BYTES): LiveOutput {
  const files = jobFiles(jobDir);
  const exitCode = readExitCode(files.exit) ?? null;
  return { ...readCappedOutput(files.output, capBytes), running: exitCode === null, exitCode };
}
