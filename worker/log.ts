import { describeError } from "../lib/queue/error-text";

/** One line per event on stdout/stderr, prefixed with the process, for `npm start` and journald. */
function line(level: string, text: string, err?: unknown): string {
  const detail = err === undefined ? "" : `: ${describeError(err)}`;
  return `gatehouse worker[${process.pid}] ${level} ${text}${detail}`;
}

export const log = {
  info: (text: string) => console.log(line("info", text)),
  warn: (text: string, err?: unknown) => console.warn(line("warn", text, err)),
  error: (text: string, err?: unknown) => console.error(line("error", text, err)),
};
