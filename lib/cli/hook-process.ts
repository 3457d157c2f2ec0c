/**
 * `gatehouse hook` as a process: stdin, stdout, stderr and the signals an agent stops it with.
 * Built on its own into one CommonJS file (scripts/build-cli.ts) that bin/gatehouse-hook.cjs
 * loads without the ES module loader, because the hook starts before every command an agent runs.
 */
import { fstatSync, readFileSync } from "node:fs";
import { hook } from "./hook";

/**
 * All of stdin, to its end (a hook event is one JSON document, not a line); nothing from a
 * terminal. Read from fd 0 directly: the agent's pipe holds the whole event, and creating
 * process.stdin (a stream over a socket) costs the hook's start ~10 ms. A non-blocking stdin,
 * which a direct read cannot wait on, is read as a stream.
 */
async function readStdin(): Promise<string> {
  // A terminal is a character device (asked of fstat: loading node:tty costs the start ~2 ms).
  if (fstatSync(0).isCharacterDevice()) return "";
  try {
    return readFileSync(0, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs the hook with these arguments (those after `hook`); resolves with its exit code. */
export function runHook(argv: string[]): Promise<number> {
  // The agent stops a hook that outlives its own timeout with a signal: the hook then cancels
  // its request (so nobody approves a command no longer waiting) and ends.
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => controller.abort());
  return hook(argv, {
    env: process.env,
    stdin: readStdin,
    out: (s) => void process.stdout.write(s + "\n"),
    err: (s) => void process.stderr.write(s + "\n"),
    signal: controller.signal,
  });
}
