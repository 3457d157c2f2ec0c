import { existsSync, readFileSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLiveOutput } from "@/lib/tmux/output";
import { isRunning } from "@/lib/tmux/process-group";
import { runCommand, type RunOptions } from "@/lib/tmux/runner";
import { INJECTION_CORPUS } from "./corpus";
import { eventually } from "../support/eventually";
import { privateServer, type PrivateServer } from "./private-server";

let server: PrivateServer;
let jobs = 0;
// Every test runs twice: tmux reached by a process per call, and over one control-mode client (the runner's way).
describe.each([{ control: false }, { control: true }])("runCommand (tmux control client: $control)", ({ control }) => {
  beforeEach(async () => {
    server = await privateServer({ control });
    await server.session("main");
  });
  afterEach(async () => {
    await server.stop();
  });

  function run(command: string, opts: Partial<RunOptions> & { session?: string } = {}) {
    return runCommand(server.tmux, opts.session ?? "main", {
      command,
      cwd: server.dir,
      timeoutMs: 30_000,
      jobDir: path.join(server.dir, "jobs", `J${++jobs}`),
      ...opts,
    });
  }

  const jobWindows = async (session = "main") =>
    (await server.tmux.exec(["list-windows", "-t", `=${session}`, "-F", "#{window_name}"]))
      .split("\n")
      .filter((n) => n.startsWith("job-"));

  /** Running (not zombie) processes in a process group, per /proc. */
  function liveMembers(pgid: number): number[] {
    const out: number[] = [];
    for (const pid of readdirPids()) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(pgrp) === pgid && state !== "Z") out.push(pid);
      } catch {
        // exited while we looked
      }
    }
    return out;
  }
  function readdirPids(): number[] {
    return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  }

  describe("runs a command", () => {
    it("returns the command's exit code: 0, 3, and 127 for a command that does not exist", async () => {
      expect(await run("echo ok")).toMatchObject({ exitCode: 0, output: "ok\n", timedOut: false });
      expect(await run("echo failing >&2; exit 3")).toMatchObject({ exitCode: 3, output: "failing\n" });
      const missing = await run("gatehouse-no-such-command --flag");
      expect(missing.exitCode).toBe(127);
      expect(missing.output).toMatch(/gatehouse-no-such-command: command not found/);
    });

    it("brings back 50,000 lines of output complete and in order", async () => {
      const result = await run("seq 1 50000");
      const expected = Array.from({ length: 50_000 }, (_, i) => `${i + 1}\n`).join("");
      expect(result.outputTruncated).toBe(false);
      expect(result.output).toBe(expected);
    });

    it("caps the output, keeping its beginning and end, and flags it truncated", async () => {
      const result = await run("seq 1 100000", { outputCapBytes: 4096 });
      expect(result.outputTruncated).toBe(true);
      expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(4096);
      expect(result.output.startsWith("1\n2\n3\n")).toBe(true);
      expect(result.output.endsWith("99999\n100000\n")).toBe(true);
      expect(result.output).toMatch(/\[gatehouse: \d+ bytes of output cut here\]/);
    });

    it("runs every text of the injection corpus exactly as given", async () => {
      for (const text of INJECTION_CORPUS) {
        const result = await run(`cat <<'GATEHOUSE_END'\n${text}\nGATEHOUSE_END`);
        expect(result.output).toBe(`${text}\n`);
      }
      const shellWork = await run(`echo "a;b" 'c"d' $(echo sub) \`echo tick\`; echo "#{session_name}" -R C-c; printf '%s\\n' "é漢字🚀"`);
      expect(shellWork.output).toBe(`a;b c"d sub tick\n#{session_name} -R C-c\né漢字🚀\n`);
      expect(existsSync(path.join(server.dir, "INJECTED-subst"))).toBe(false);
      expect(existsSync(path.join(server.dir, "INJECTED-format"))).toBe(false);
    });

    it("keeps Gatehouse's settings (the admin password) out of a server it starts, and so out of commands", async () => {
      await server.tmux.killServer();
      process.env.GATEHOUSE_ADMIN_PASSWORD = "not-for-agents";
      try {
        await server.session("main");
      } finally {
        delete process.env.GATEHOUSE_ADMIN_PASSWORD;
      }
      const result = await run("env");
      expect(result.output).toMatch(/^TMUX_PANE=%/m);
      // GATEHOUSE_JOB, the job's own mark (its directory), is the only one a command sees.
      expect(result.output).toMatch(/^GATEHOUSE_JOB=\//m);
      // No variable named GATEHOUSE_… but the job's mark (a value may mention one: npm's script text).
      expect(result.output).not.toMatch(/^GATEHOUSE_(?!JOB=)|not-for-agents/m);
    });

    it("runs in the given working directory, and fails (exit 1) rather than run elsewhere", async () => {
      expect((await run("pwd")).output).toBe(`${server.dir}\n`);
      const gone = await run("pwd", { cwd: path.join(server.dir, "missing dir") });
      expect(gone).toMatchObject({ exitCode: 1, output: `gatehouse: cannot change to directory ${server.dir}/missing dir\n` });
    });

    it("runs the command in a clean shell: no arguments, none of the wrapper's variables, unset variables allowed", async () => {
      const probe = 'echo "args=$# job=${job-unset} cwd=${cwd-unset} empty=[$never_set]"; exit 4';
      expect(await run(probe)).toMatchObject({ exitCode: 4, output: "args=0 job=unset cwd=unset empty=[]\n" });
    });

    it("gives the command no terminal input, so a prompt fails at once instead of hanging", async () => {
      expect(await run("read -r answer; echo \"read returned $?\"")).toMatchObject({ exitCode: 0, output: "read returned 1\n" });
    });

    it("stops a command at its time limit and leaves no process, even one that ignores SIGHUP and SIGTERM and double-forks", async () => {
      const pids = path.join(server.dir, "pids");
      const command = [
        `( ( trap '' HUP TERM; echo $BASHPID >> '${pids}'; exec sleep 300 ) & )`,
        `trap '' HUP TERM`,
        `echo $$ >> '${pids}'`,
        `echo started; sleep 300`,
      ].join("\n");
      let pgid = 0;
      const result = await run(command, {
        timeoutMs: 1_000,
        onStarted: (job) => {
          pgid = job.panePid;
        },
      });
      expect(result).toMatchObject({ exitCode: null, timedOut: true, output: "started\n" });
      const started = readFileSync(pids, "utf8").trim().split("\n").map(Number);
      expect(started).toHaveLength(2);
      await eventually(() => started.every((pid) => !isRunning(pid)), "the job's processes to end");
      expect(liveMembers(pgid)).toEqual([]);
      await eventually(async () => (await jobWindows()).length === 0, "the job window to close");
    });

    it("stops at its time limit a command that daemonizes: setsid, and a double fork into a new session", async () => {
      const pids = path.join(server.dir, "pids");
      const command = [
        // A new session of its own that ignores SIGTERM: out of reach of the process group's signals.
        `setsid bash -c 'trap "" HUP TERM; echo $$ >> "${pids}"; exec sleep 1000' &`,
        // A daemon's double fork: the grandchild, reparented away from the job, in a new session.
        `( setsid bash -c '( echo $BASHPID >> "${pids}"; exec sleep 1000 ) &' & )`,
        `until [ "$(wc -l < '${pids}' 2>/dev/null)" = 2 ]; do sleep 0.05; done`,
        `echo started; sleep 300`,
      ].join("\n");
      const recorded = () => (existsSync(pids) ? readFileSync(pids, "utf8").trim().split("\n").map(Number) : []);
      // The time limit counts from the start, the wait for the daemons included: it strikes once
      // both are running, however slow the machine.
      const result = await run(command, {
        timeoutMs: 1_000,
        onStarted: () => eventually(() => recorded().length === 2, "both daemons to start").then(() => {}),
      });
      expect(result).toMatchObject({ exitCode: null, timedOut: true });
      const daemons = recorded();
      expect(daemons).toHaveLength(2);
      // Both left the job's process group and session, so only their GATEHOUSE_JOB mark found them.
      await eventually(() => daemons.every((pid) => !isRunning(pid)), "the daemons to end");
    });

    it("removes the job's window after the run, or keeps it when asked", async () => {
      await run("echo gone", { jobId: "A" });
      await eventually(async () => (await jobWindows()).length === 0, "the window to close");
      await run("echo kept", { jobId: "B", keepWindow: true });
      expect(await jobWindows()).toEqual(["job-B"]);
      // The pane keeps what the command printed, for a person to inspect.
      await eventually(
        async () =>
          /^kept\n\n\[gatehouse: exit 0; window kept for inspection\]$/m.test(
            await server.tmux.exec(["capture-pane", "-p", "-t", "=main:=job-B"]),
          ),
        "the kept window to show the output",
      );
    });

    it("removes the job's window even when the user keeps dead panes (remain-on-exit on)", async () => {
      await server.tmux.exec(["set-option", "-g", "remain-on-exit", "on"]);
      await run("echo done", { jobId: "C" });
      await eventually(async () => (await jobWindows()).length === 0, "the window to close");
      expect(await server.tmux.exec(["show-options", "-gv", "remain-on-exit"])).toBe("on\n");
    });

    it("shows the output of a running command before it ends", async () => {
      const go = path.join(server.dir, "go");
      const jobDir = path.join(server.dir, "jobs", "live");
      const finished = run(`echo first; until [ -e '${go}' ]; do sleep 0.05; done; echo second`, { jobDir });
      const live = await eventually(async () => {
        const now = readLiveOutput(jobDir);
        return now.output === "first\n" ? now : undefined;
      }, "the first line");
      expect(live).toMatchObject({ running: true, exitCode: null, outputTruncated: false });
      await writeFile(go, "");
      expect((await finished).output).toBe("first\nsecond\n");
      expect(readLiveOutput(jobDir)).toMatchObject({ running: false, exitCode: 0, output: "first\nsecond\n" });
    });

    it("reruns cleanly in a reused job directory (an old exit code does not end the new run)", async () => {
      const jobDir = path.join(server.dir, "jobs", "again");
      await run("echo one; exit 4", { jobDir });
      expect(await run("sleep 0.3; echo two", { jobDir })).toMatchObject({ exitCode: 0, output: "two\n" });
    });

    it("refuses a missing session or server before anything runs", async () => {
      await expect(run("touch never", { session: "absent" })).rejects.toMatchObject({
        code: "no_session",
        commandMayHaveStarted: false,
      });
      await server.tmux.killServer();
      await expect(run("touch never")).rejects.toMatchObject({ code: "no_server", commandMayHaveStarted: false });
      expect(existsSync(path.join(server.dir, "never"))).toBe(false);
    });

    it("never runs in a session whose name merely starts like the target", async () => {
      await server.session("claude-backend-api");
      await expect(run("true", { session: "claude-back" })).rejects.toMatchObject({ code: "no_session" });
      await server.session("claude-back");
      await run("echo hi", { session: "claude-back", jobId: "P", keepWindow: true });
      expect(await jobWindows("claude-back")).toEqual(["job-P"]);
      expect(await jobWindows("claude-backend-api")).toEqual([]);
    });

    it("reports a session that vanished mid-run, and leaves nothing of the command running", async () => {
      const pids = path.join(server.dir, "pids");
      await server.session("doomed");
      const running = run(`( trap '' HUP TERM; echo $BASHPID > '${pids}'; exec sleep 300 ) & echo up; sleep 300`, {
        session: "doomed",
      });
      await eventually(() => existsSync(pids) && readFileSync(pids, "utf8").trim(), "the child to start");
      await server.tmux.killSession("doomed");
      const err = await running.catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "interrupted", commandMayHaveStarted: true });
      expect((err as Error).message).toBe('The command was interrupted: session "doomed" vanished while it ran');
      const child = Number(readFileSync(pids, "utf8"));
      await eventually(() => !isRunning(child), "the HUP-ignoring child to end");
    });

    it("reports a tmux server that died mid-run", async () => {
      const running = run("echo up; sleep 300");
      await eventually(() => readLiveOutput(path.join(server.dir, "jobs", `J${jobs}`)).output === "up\n", "the start");
      await server.tmux.killServer();
      await expect(running).rejects.toMatchObject({
        code: "interrupted",
        commandMayHaveStarted: true,
        message: `The command was interrupted: the tmux server (${server.tmux.label}) exited while it ran`,
      });
    });

    it("kills the command when its start cannot be recorded, so nothing runs unrecorded", async () => {
      const marker = path.join(server.dir, "ran-on");
      let pid = 0;
      const err = await run(`sleep 2; touch '${marker}'`, {
        onStarted: (job) => {
          pid = job.panePid;
          throw new Error("database is locked");
        },
      }).catch((e: unknown) => e);
      expect((err as Error).message).toBe("database is locked");
      await eventually(() => liveMembers(pid).length === 0, "the job to be killed");
      expect(existsSync(marker)).toBe(false);
    });

    it("runs commands in different sessions at the same time", async () => {
      await server.session("left");
      await server.session("right");
      const stamp = (me: string, other: string) =>
        [
          `echo "start $EPOCHREALTIME"; touch '${server.dir}/${me}.up'`,
          `for i in $(seq 400); do [ -e '${server.dir}/${other}.up' ] && break; sleep 0.025; done`,
          `echo "end $EPOCHREALTIME"`,
        ].join("\n");
      const [left, right] = await Promise.all([
        run(stamp("left", "right"), { session: "left" }),
        run(stamp("right", "left"), { session: "right" }),
      ]);
      const times = (out: string) => out.trim().split("\n").map((l) => Number(l.split(" ")[1]));
      const [leftStart = 0, leftEnd = 0] = times(left.output);
      const [rightStart = 0, rightEnd = 0] = times(right.output);
      // Each started before the other ended: their runs overlapped.
      expect(leftStart).toBeLessThan(rightEnd);
      expect(rightStart).toBeLessThan(leftEnd);
    });
  });
});
