import { appendFileSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { config } from "@/lib/config";
import { exactSession, type Tmux } from "./client";
import { inboxRoot } from "./paths";
import { isRunning } from "./process-group";
import { inertJson, sanitizeLine } from "./sanitize";

export type NotifyMode = "inbox" | "type";

/** The window that shows a session's inbox. */
export const INBOX_WINDOW = "gatehouse";

/** Shells where a line starting with `#` is a comment at the interactive prompt by default. (Not zsh.) */
const COMMENTING_SHELLS = new Set(["bash", "sh", "dash", "ksh", "mksh", "fish"]);

/**
 * What a prompt waiting for input ends with: $ # % or ❯ (escaped, to keep the worker's bundle
 * ASCII, which V8 stores in half the memory). `>` is left out because it is also bash's PS2.
 */
const PROMPT_END = /[$#%\u276F]$/u;

/** Longest text kept in one inbox line, in characters. */
const INBOX_TEXT_MAX = 64 * 1024;

export interface NotifyOptions {
  /** `inbox` never types into a pane; `type` also types one line when the pane is idle. (Default: GATEHOUSE_NOTIFY_MODE, inbox) */
  mode?: NotifyMode;
  /** Directory of the per-session inbox files. (Default: inbox/ next to the database) */
  inboxDir?: string;
  now?: Date;
}

export interface NotifyResult {
  /** Whether the line was also typed into the session's active pane. */
  typed: boolean;
  /** Why it was not typed, when `type` was asked for. */
  notTypedBecause?: string;
  inboxFile: string;
}

export interface InboxEntry {
  at: string;
  text: string;
}

export function inboxFile(inboxDir: string, session: string): string {
  exactSession(session);
  return path.join(inboxDir, `${session}.jsonl`);
}

/** The same entries for people: what the `gatehouse` window shows. */
function inboxLogFile(inboxDir: string, session: string): string {
  exactSession(session);
  return path.join(inboxDir, `${session}.log`);
}

/** `[HH:MM:SS] text`, each line made safe for a terminal, continuation lines indented. */
function readableEntry(entry: InboxEntry): string {
  const lines = entry.text.split("\n").map((line) => sanitizeLine(line, 2000));
  return `[${entry.at.slice(11, 19)}] ${lines.join("\n    ")}\n`;
}

/** The session's inbox, oldest first. */
export async function readInbox(inboxDir: string, session: string): Promise<InboxEntry[]> {
  let text: string;
  try {
    text = await readFile(inboxFile(inboxDir, session), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as InboxEntry);
}

/**
 * The pid of each session's inbox window's `tail`, by tmux server and session, as last seen: while
 * that process runs, the window is there (closing the window or its session ends it), and a notice
 * needs no tmux call to know it.
 */
const inboxTails = new Map<string, number>();

/**
 * Keeps one `gatehouse` window in the session, following the readable inbox log with `tail -F`. Two
 * notifiers racing may each create one; both then keep the oldest (lowest window id) and close the
 * rest, so they agree.
 */
async function ensureInboxWindow(tmux: Tmux, session: string, file: string): Promise<void> {
  const key = `${tmux.label}\n${session}`;
  const known = inboxTails.get(key);
  if (known !== undefined && isRunning(known)) return;
  const list = async () =>
    (await tmux.exec(["list-windows", "-t", exactSession(session), "-F", "#{window_id} #{pane_pid} #{window_name}"]))
      .split("\n")
      .filter((l) => l.endsWith(` ${INBOX_WINDOW}`))
      .map((l) => l.split(" "))
      .sort((a, b) => Number(a[0]?.slice(1)) - Number(b[0]?.slice(1)));
  let windows = await list();
  if (windows.length === 0) {
    appendFileSync(file, ""); // so that `tail -F` opens it at once instead of complaining
    await tmux.exec([
      "new-window", "-d", "-t", `${exactSession(session)}:`, "-n", INBOX_WINDOW,
      "--", "tail", "-n", "200", "-F", "--", file,
    ]);
    windows = await list();
    await Promise.all(windows.slice(1).map(([id = ""]) => tmux.exec(["kill-window", "-t", id]).catch(() => {})));
  }
  const pid = Number(windows[0]?.[1]);
  if (Number.isInteger(pid) && pid > 1) inboxTails.set(key, pid);
}

interface PaneState {
  paneId: string;
  panePid: number;
  command: string;
  inMode: boolean;
  alternateScreen: boolean;
  dead: boolean;
  inputOff: boolean;
  cursorX: number;
  cursorLine: string;
}

/** The session's active pane, and the screen line its cursor is on, in one tmux call. */
async function activePane(tmux: Tmux, session: string): Promise<PaneState> {
  const target = `${exactSession(session)}:`;
  const out = await tmux.exec([
    "display-message", "-p", "-t", target,
    "#{pane_id}\t#{pane_pid}\t#{pane_in_mode}\t#{alternate_on}\t#{pane_dead}\t#{pane_input_off}\t#{cursor_x}\t#{cursor_y}\t#{pane_current_command}",
    ";", "capture-pane", "-p", "-t", target,
  ]);
  const [info = "", ...screen] = out.split("\n");
  const [paneId = "", pid, inMode, alt, dead, inputOff, cx, cy, ...command] = info.split("\t");
  return {
    paneId,
    panePid: Number(pid),
    command: command.join("\t"),
    inMode: inMode !== "0",
    alternateScreen: alt !== "0",
    dead: dead === "1",
    inputOff: inputOff === "1",
    cursorX: Number(cx),
    cursorLine: screen[Number(cy)] ?? "",
  };
}

/** The terminal's foreground process group, from /proc (the pane's pty is on this host). */
async function foregroundGroup(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid pgrp session tty_nr tpgid …
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[5]);
  } catch {
    return undefined;
  }
}

/** Why the pane must not be typed into now, or undefined when it is idle at a shell prompt. */
async function busyReason(pane: PaneState): Promise<string | undefined> {
  if (pane.dead) return "the pane is dead";
  if (pane.inputOff) return "the pane's input is off";
  if (pane.inMode) return "the pane is in copy mode";
  if (pane.alternateScreen) return "a full-screen program (editor, pager) is open";
  if (!COMMENTING_SHELLS.has(pane.command)) return `the pane is running ${pane.command || "an unknown program"}, not a shell`;
  // A shell script in the foreground also shows as "bash"; only the pane's own shell counts.
  if ((await foregroundGroup(pane.panePid)) !== pane.panePid) return "the shell is running a program";
  // capture-pane drops trailing spaces: at an empty prompt the cursor sits past the line's end,
  // after the prompt's closing space ("bash-5.2$ |"). cursor_x counts cells; prompts are narrow
  // characters, so code points are close enough here.
  const line = pane.cursorLine.trimEnd();
  if ([...line].length >= pane.cursorX || !PROMPT_END.test(line)) {
    return "the prompt is not empty (someone may be typing)";
  }
  return undefined;
}

/**
 * Tells a session something. Always appends to the session's inbox file (one JSON line, exact, for
 * agents to read) and to its readable log, which the `gatehouse` window shows; never types into the agent's pane unless `type` is
 * asked for and the pane is idle at a shell prompt, and then only one sanitised line, as a shell
 * comment, pasted from a tmux buffer (text never travels as a tmux argument, where a trailing `;`
 * would split the command).
 */
export async function notify(tmux: Tmux, session: string, text: string, opts: NotifyOptions = {}): Promise<NotifyResult> {
  const inboxDir = opts.inboxDir ?? inboxRoot();
  const file = inboxFile(inboxDir, session);
  const log = inboxLogFile(inboxDir, session);
  // Synchronously, as a job's other small files are (see lib/tmux/runner.ts): every notice writes them.
  mkdirSync(inboxDir, { recursive: true });
  // The window before the entry: a missing session or server fails here, before a line is written.
  await ensureInboxWindow(tmux, session, log);
  const entry: InboxEntry = { at: (opts.now ?? new Date()).toISOString(), text: [...text].slice(0, INBOX_TEXT_MAX).join("") };
  appendFileSync(file, inertJson(entry) + "\n");
  appendFileSync(log, readableEntry(entry));
  if ((opts.mode ?? config().GATEHOUSE_NOTIFY_MODE) === "inbox") return { typed: false, inboxFile: file };

  const pane = await activePane(tmux, session);
  const busy = await busyReason(pane);
  if (busy) return { typed: false, notTypedBecause: busy, inboxFile: file };
  const buffer = `gatehouse-${randomBytes(6).toString("hex")}`;
  await tmux.exec(
    [
      "load-buffer", "-b", buffer, "-",
      ";", "paste-buffer", "-p", "-d", "-b", buffer, "-t", pane.paneId,
      ";", "send-keys", "-t", pane.paneId, "Enter",
    ],
    { input: `# gatehouse: ${sanitizeLine(text)}` },
  );
  return { typed: true, inboxFile: file };
}
