/**
 * What went wrong talking to tmux. The worker decides on the code: `not_installed`, `no_server`
 * and `no_session` before a command started are worth a retry; anything with
 * `commandMayHaveStarted` must never be retried blindly (the command might run twice).
 */
export type TmuxErrorCode =
  /** The `tmux` binary is not on PATH. */
  | "not_installed"
  /** No tmux server is listening on the socket. */
  | "no_server"
  /** The server runs, but the session does not exist. */
  | "no_session"
  /** A session name that does not match ^[A-Za-z0-9_-]{1,64}$. */
  | "invalid_name"
  /** A tmux call took longer than its time limit. */
  | "timeout"
  /** The command's window, session or server went away while the command ran. */
  | "interrupted"
  /** Any other tmux failure; the message carries tmux's own words. */
  | "failed";

export class TmuxError extends Error {
  override readonly name = "TmuxError";

  constructor(
    readonly code: TmuxErrorCode,
    message: string,
    /** True when a command may already be running (or have run): do not run it again. */
    readonly commandMayHaveStarted = false,
  ) {
    super(message);
  }
}

export function isTmuxError(e: unknown, code?: TmuxErrorCode): e is TmuxError {
  return e instanceof TmuxError && (code === undefined || e.code === code);
}

/** Maps what a failed `tmux` call printed to a typed error (tmux 3.x wording). */
export function classifyTmuxFailure(stderr: string, args: readonly string[], socketLabel: string): TmuxError {
  const said = stderr.trim().split("\n").filter(Boolean).at(-1) ?? "exited with an error and no message";
  const call = `tmux ${args[0] ?? ""}`.trim();
  if (/^no server running on |^error connecting to |server exited unexpectedly|^lost server/.test(said)) {
    return new TmuxError("no_server", `No tmux server is running on ${socketLabel} (${call}: ${said})`);
  }
  const session = /^can't find session:? ?(.*)$/.exec(said);
  if (session) {
    return new TmuxError("no_session", `tmux session "${session[1] ?? ""}" does not exist on ${socketLabel}`);
  }
  return new TmuxError("failed", `${call} failed on ${socketLabel}: ${said}`);
}
