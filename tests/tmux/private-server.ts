import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Tmux, type TmuxOptions } from "@/lib/tmux/client";
import { eventually } from "../support/eventually";

export interface PrivateServer {
  tmux: Tmux;
  /** A fresh temp directory for job files and inboxes. */
  dir: string;
  /** Creates a session whose first window is a plain bash at a `bash-5.2$ `-style prompt. */
  session(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A tmux server of the test's own (`-L gh-test-<random> -f /dev/null`), never the user's, killed at
 * teardown with everything it runs.
 */
export async function privateServer(opts: Pick<TmuxOptions, "control"> = {}): Promise<PrivateServer> {
  const tmux = new Tmux({ socket: `gh-test-${randomBytes(6).toString("hex")}`, configFile: "/dev/null", ...opts });
  const dir = await mkdtemp(path.join(os.tmpdir(), "gh-tmux-"));
  return {
    tmux,
    dir,
    async session(name) {
      await tmux.createSession(name, { cwd: dir, command: ["/bin/bash", "--norc", "--noprofile"] });
      // Until the forked server child has exec'd bash, the window runs "tmux"; its name follows a
      // moment later (automatic-rename works on a timer), and tests list windows by name.
      const shows = () => tmux.exec(["display-message", "-p", "-t", `=${name}:0.0`, "#{pane_current_command} #{window_name}"]);
      await eventually(async () => (await shows()).trim() === "bash bash", `session ${name}'s bash to start`);
    },
    async stop() {
      await tmux.killServer();
      await tmux.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
