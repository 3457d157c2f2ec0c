/**
 * Where the hook keeps, between its PreToolUse/PermissionRequest run and the PostToolUse run that
 * follows, which Gatehouse request a tool call became: one small file per allowed call.
 *
 * Why a file and not the submit's Idempotency-Key alone: PermissionRequest carries no
 * `tool_use_id` (neither agent sends one), so PostToolUse could not name the request; and a
 * PostToolUse replaying the submit to find it would create a request for a call that was never
 * gated. So each allowed call is filed under its `tool_use_id` (PreToolUse) and under its session
 * and command (both events); PostToolUse looks under the first it can, and removes the entry.
 * One file per key, written by rename: concurrent hooks (parallel tool calls) never share a file.
 * The same command run twice at once in one session shares a key: the later one wins.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Entries older than this are removed: their PostToolUse never came (denied later, crashed, not configured). */
const MAX_AGE_MS = 24 * 3600_000;
/** How often the old entries are looked for: once an hour, not on every allowed call, whose hook must start fast. */
const PRUNE_EVERY_MS = 3600_000;

/**
 * `$GATEHOUSE_HOOK_STATE_DIR`, else `$XDG_RUNTIME_DIR/gatehouse/hook`, else
 * `$XDG_STATE_HOME/gatehouse/hook`, else `~/.local/state/gatehouse/hook`. An entry lives only from
 * a call's PreToolUse to its PostToolUse, which is what the runtime directory is for: the user's
 * own, in memory (tmpfs), so that writing it never waits on a disk's journal (on an ext4 disk here,
 * one hook run in 20–30 waited 100–370 ms on the two small files it writes).
 */
export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.GATEHOUSE_HOOK_STATE_DIR) return env.GATEHOUSE_HOOK_STATE_DIR;
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, "gatehouse", "hook");
  const base = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), ".local", "state");
  return path.join(base, "gatehouse", "hook");
}

export interface CallKeys {
  toolUseId?: string;
  session: string;
  command: string;
}

/**
 * A file name for a key of any length: two 32-bit FNV-1a lanes, in hex. Not node:crypto, whose loading
 * alone costs each hook start ~15 ms; a collision (two calls filed under one name) would cost
 * no more than one outcome recorded on the wrong request.
 */
export function hash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

function keysOf(k: CallKeys): string[] {
  return [...(k.toolUseId ? [`tool-${hash(k.toolUseId)}`] : []), `cmd-${hash(`${k.session}\0${k.command}`)}`];
}

/** Files the request id of an allowed call. */
export function rememberCall(dir: string, keys: CallKeys, requestId: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const body = JSON.stringify({ requestId });
  for (const key of keysOf(keys)) {
    const temp = path.join(dir, `.${key}.${process.pid}.tmp`);
    writeFileSync(temp, body, { mode: 0o600 });
    renameSync(temp, path.join(dir, `${key}.json`));
  }
  pruneOld(dir);
}

/** The request id filed for this call, if any; its entries are removed. */
export function recallCall(dir: string, keys: CallKeys): string | undefined {
  let found: string | undefined;
  for (const key of keysOf(keys)) {
    const file = path.join(dir, `${key}.json`);
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { requestId?: unknown };
      if (found === undefined && typeof parsed.requestId === "string") found = parsed.requestId;
      rmSync(file, { force: true });
    } catch {
      // No entry under this key (or a half-gone one): try the next.
    }
  }
  return found;
}

function pruneOld(dir: string): void {
  const now = Date.now();
  const marker = path.join(dir, ".pruned");
  try {
    if (now - statSync(marker).mtimeMs < PRUNE_EVERY_MS) return;
  } catch {
    // Never pruned here: prune now.
  }
  writeFileSync(marker, "");
  for (const name of readdirSync(dir)) {
    if (name === ".pruned") continue;
    const file = path.join(dir, name);
    try {
      if (now - statSync(file).mtimeMs > MAX_AGE_MS) rmSync(file, { force: true });
    } catch {
      // Removed by another hook meanwhile.
    }
  }
}
