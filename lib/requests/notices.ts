import type { Request as RequestRow } from "../db/rows";

/** What an agent is told about, one notify_session message each. */
export type NoticeEvent = "approved" | "rejected" | "expired" | "finished" | "dead";

/** Lines of output a completion notice ends with: enough to see the failing test, not the whole log. */
export const NOTICE_TAIL_LINES = 10;

/** Characters of the command a notice quotes. */
const COMMAND_CHARS = 200;

function quoted(command: string): string {
  const chars = [...command];
  return JSON.stringify(chars.length <= COMMAND_CHARS ? command : chars.slice(0, COMMAND_CHARS - 1).join("") + "…");
}

/** The last `n` lines of `output` (a trailing newline does not count as an empty last line). */
export function lastLines(output: string, n = NOTICE_TAIL_LINES): string {
  const lines = output.replace(/\n$/, "").split("\n");
  return lines.slice(-n).join("\n");
}

function finished(row: RequestRow): string {
  const outcome =
    row.exitCode !== null
      ? `exited with code ${row.exitCode}`
      : `was stopped${row.lastError ? `: ${row.lastError}` : ""}`;
  const head = `Request ${row.id} ${row.status}: ${quoted(row.command)} ${outcome}.`;
  const tail = row.output ? lastLines(row.output) : "";
  return tail ? `${head}\nLast lines of output:\n${tail}` : `${head} It printed nothing.`;
}

/**
 * The text an agent reads in its inbox when `event` happened to its request. Written from the row
 * as it is when the notice is sent, so an approval notice sent late still names who approved.
 */
export function noticeFor(row: RequestRow, event: NoticeEvent): string {
  const cmd = quoted(row.command);
  switch (event) {
    case "approved":
      return `Request ${row.id} approved by ${row.decidedBy ?? "a supervisor"}: ${cmd} is queued to run.${row.decisionComment ? ` Comment: ${row.decisionComment}` : ""}`;
    case "rejected":
      return `Request ${row.id} rejected by ${row.decidedBy ?? "a supervisor"}: ${cmd} will not run. Reason: ${row.decisionComment ?? "none given"}`;
    case "expired":
      return `Request ${row.id} expired: ${cmd} got no decision in time and will not run. Submit it again if it is still needed.`;
    case "finished":
      return finished(row);
    case "dead":
      return `Request ${row.id} is dead: ${cmd} did not run to the end (${row.lastError ?? "no reason recorded"}). It will not be retried by itself; a supervisor can requeue it.`;
  }
}
