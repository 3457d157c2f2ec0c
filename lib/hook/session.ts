/**
 * The tmux session a gate request names: the one the hook runs in ($TMUX, asked of tmux by the
 * pane the hook belongs to), else --session, else the agent's own session id.
 */
import { builtin } from "./builtin";

async function tmuxSessionName(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // Loaded only inside tmux: node:child_process costs a hook's start ~8 ms.
  const { execFile } = await builtin<typeof import("node:child_process")>("node:child_process");
  const target = env.TMUX_PANE ? ["-t", env.TMUX_PANE] : [];
  return new Promise((resolve) =>
    execFile("tmux", ["display-message", "-p", ...target, "#S"], { env, timeout: 2000 }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim() || undefined),
    ),
  );
}

export async function resolveSession(env: NodeJS.ProcessEnv, option: string | undefined, eventSessionId: string): Promise<string> {
  if (env.TMUX) {
    const name = await tmuxSessionName(env);
    if (name) return name;
  }
  return option ?? eventSessionId;
}
