import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INBOX_WINDOW, notify, readInbox } from "@/lib/tmux/notify";
import { sanitizeLine } from "@/lib/tmux/sanitize";
import { INJECTION_CORPUS } from "./corpus";
import { eventually } from "../support/eventually";
import { privateServer, type PrivateServer } from "./private-server";

let server: PrivateServer;
let inboxDir: string;
beforeEach(async () => {
  server = await privateServer();
  inboxDir = path.join(server.dir, "inbox");
  await server.session("agent");
  // Wide enough that a typed line does not wrap, so the screen can be compared line by line.
  await server.tmux.exec(["resize-window", "-t", "=agent:", "-x", "400", "-y", "40"]);
  await prompt();
});
afterEach(async () => {
  await server.stop();
});

const pane = "=agent:0.0";
const screen = async () => (await server.tmux.exec(["capture-pane", "-p", "-J", "-t", pane])).trimEnd();
const paneSays = (format: string) => server.tmux.exec(["display-message", "-p", "-t", pane, format]).then((s) => s.trim());
/** The agent's bash is waiting at an empty prompt. */
const prompt = () => eventually(async () => /[$#] ?$/.test(await screen()), "the bash prompt");
const type = (text: string) => server.tmux.exec(["send-keys", "-t", pane, "-l", "--", text]);

describe("notify", () => {
  it("by default writes to the inbox and the gatehouse window, and never types into the agent's pane", async () => {
    const before = await screen();
    const result = await notify(server.tmux, "agent", "request 01J finished: exit 0", { inboxDir, now: new Date(0) });
    expect(result).toEqual({ typed: false, inboxFile: path.join(inboxDir, "agent.jsonl") });
    expect(await readInbox(inboxDir, "agent")).toEqual([{ at: "1970-01-01T00:00:00.000Z", text: "request 01J finished: exit 0" }]);
    await eventually(
      async () => (await server.tmux.exec(["capture-pane", "-p", "-t", `=agent:=${INBOX_WINDOW}`])).includes("request 01J finished"),
      "the gatehouse window to show the message",
    );
    expect(await screen()).toBe(before);
  });

  it("shows people a readable log in the gatehouse window: a time, the text's lines, no JSON, no escape sequences", async () => {
    await notify(server.tmux, "agent", "Request 01K succeeded\nLast lines:\n\x1b[31mred\x1b[0m ok", { inboxDir, now: new Date(Date.UTC(2026, 0, 1, 9, 8, 7)) });
    const window = () => server.tmux.exec(["capture-pane", "-p", "-t", `=agent:=${INBOX_WINDOW}`]);
    await eventually(async () => (await window()).includes("red ok"), "the notice in the gatehouse window");
    const shown = await window();
    expect(shown).toContain("[09:08:07] Request 01K succeeded\n    Last lines:\n    red ok");
    expect(shown).not.toContain('{"at"');
  });

  it("keeps exactly one gatehouse window, however many notifications race", async () => {
    await Promise.all(Array.from({ length: 6 }, (_, i) => notify(server.tmux, "agent", `message ${i}`, { inboxDir })));
    const names = (await server.tmux.exec(["list-windows", "-t", "=agent", "-F", "#{window_name}"])).trim().split("\n");
    expect(names.filter((n) => n === INBOX_WINDOW)).toHaveLength(1);
    expect((await readInbox(inboxDir, "agent")).map((e) => e.text).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `message ${i}`),
    );
  });

  it("opens the gatehouse window again when someone has closed it", async () => {
    const inboxWindows = async () =>
      (await server.tmux.exec(["list-windows", "-t", "=agent", "-F", "#{window_name}"])).trim().split("\n").filter((n) => n === INBOX_WINDOW);
    await notify(server.tmux, "agent", "first", { inboxDir });
    await server.tmux.exec(["kill-window", "-t", `=agent:=${INBOX_WINDOW}`]);
    expect(await inboxWindows()).toHaveLength(0);
    await eventually(async () => {
      await notify(server.tmux, "agent", "second", { inboxDir });
      return (await inboxWindows()).length === 1;
    }, "a new gatehouse window");
    await eventually(
      async () => (await server.tmux.exec(["capture-pane", "-p", "-t", `=agent:=${INBOX_WINDOW}`])).includes("second"),
      "the new window to show the log",
    );
  });

  it("keeps every text of the injection corpus exactly in the inbox, and the inbox file holds no raw control characters", async () => {
    for (const text of INJECTION_CORPUS) await notify(server.tmux, "agent", text, { inboxDir });
    expect((await readInbox(inboxDir, "agent")).map((e) => e.text)).toEqual(INJECTION_CORPUS);
    const raw = await readFile(path.join(inboxDir, "agent.jsonl"), "utf8");
    // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
    expect(raw).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  });

  it("in type mode, types each corpus text at an idle prompt as one inert comment line, exactly as sanitised", async () => {
    for (const text of INJECTION_CORPUS) {
      const result = await notify(server.tmux, "agent", text, { inboxDir, mode: "type" });
      expect(result.typed, `typed ${JSON.stringify(text)}: ${result.notTypedBecause}`).toBe(true);
      const line = `# gatehouse: ${sanitizeLine(text)}`;
      await eventually(async () => (await screen()).split("\n").some((l) => l.endsWith(line)), `the line for ${JSON.stringify(text)}`);
      await prompt();
    }
    // Nothing in the texts ran: no substitution, no format, no key name, no second command.
    for (const f of ["INJECTED-subst", "INJECTED-backtick", "INJECTED-semicolon", "INJECTED-format"]) {
      expect(existsSync(path.join(server.dir, f)), f).toBe(false);
    }
    expect(await paneSays("#{pane_current_command} #{pane_in_mode}")).toBe("bash 0");
    // Every typed line went to the inbox as well, exact.
    expect((await readInbox(inboxDir, "agent")).map((e) => e.text)).toEqual(INJECTION_CORPUS);
  });

  it("in type mode, never types into a pane in copy mode", async () => {
    await server.tmux.exec(["copy-mode", "-t", pane]);
    const before = await screen();
    const result = await notify(server.tmux, "agent", "hello", { inboxDir, mode: "type" });
    expect(result).toMatchObject({ typed: false, notTypedBecause: "the pane is in copy mode" });
    expect(await paneSays("#{pane_in_mode}")).toBe("1");
    expect(await screen()).toBe(before);
    expect((await readInbox(inboxDir, "agent")).map((e) => e.text)).toEqual(["hello"]);
  });

  it("in type mode, never types into vim", async () => {
    await type("vim -u NONE -N\r");
    await eventually(
      async () => (await paneSays("#{pane_current_command} #{alternate_on}")) === "vim 1" && (await screen()).includes("~"),
      "vim to draw its screen",
    );
    const before = await screen();
    const result = await notify(server.tmux, "agent", "hello :q!", { inboxDir, mode: "type" });
    expect(result).toMatchObject({ typed: false, notTypedBecause: "a full-screen program (editor, pager) is open" });
    expect(await screen()).toBe(before);
  });

  it("in type mode, never types into a running program, even a shell script that shows as bash", async () => {
    const go = path.join(server.dir, "go");
    await writeFile(path.join(server.dir, "wait.sh"), `until [ -e '${go}' ]; do sleep 0.05; done\n`);
    await type(`bash ${server.dir}/wait.sh\r`);
    await eventually(async () => (await screen()).endsWith("wait.sh"), "the script to start");
    // tmux names the foreground group's leader: the script's bash, which looks like an idle shell.
    expect(await paneSays("#{pane_current_command}")).toBe("bash");
    expect(await notify(server.tmux, "agent", "hello", { inboxDir, mode: "type" })).toMatchObject({
      typed: false,
      notTypedBecause: "the shell is running a program",
    });
    await writeFile(go, "");
    await prompt();

    await type("cat\r");
    await eventually(async () => (await paneSays("#{pane_current_command}")) === "cat", "cat to start");
    expect(await notify(server.tmux, "agent", "hello", { inboxDir, mode: "type" })).toMatchObject({
      typed: false,
      notTypedBecause: "the pane is running cat, not a shell",
    });
  });

  it("in type mode, never types over what someone has started typing at the prompt", async () => {
    // The second ends like a prompt: "$" right at the cursor is still someone's typing.
    for (const partial of ["git comm", " echo $"]) {
      await type(partial);
      await eventually(async () => (await screen()).endsWith(partial.trim()), "the typed text");
      const result = await notify(server.tmux, "agent", "hello", { inboxDir, mode: "type" });
      expect(result).toMatchObject({ typed: false, notTypedBecause: "the prompt is not empty (someone may be typing)" });
      expect((await screen()).endsWith(partial.trim())).toBe(true);
      await server.tmux.exec(["send-keys", "-t", pane, "C-u"]);
      await prompt();
    }
  });

  it("fails with no_session for a missing session, and no_server without a server", async () => {
    await expect(notify(server.tmux, "absent", "hi", { inboxDir })).rejects.toMatchObject({ code: "no_session" });
    expect(await readInbox(inboxDir, "absent")).toEqual([]);
    await server.tmux.killServer();
    await expect(notify(server.tmux, "agent", "hi", { inboxDir })).rejects.toMatchObject({ code: "no_server" });
  });
});

describe("sanitizeLine", () => {
  it("removes escape sequences and control characters, folds line breaks, and caps the length", () => {
    expect(sanitizeLine("\x1b[31mred\x1b[0m and \x1b]0;title\x07plain\x07\x00\x7f\x9b")).toBe("red and plain");
    expect(sanitizeLine("one\r\ntwo\n\nthree\ttab\n")).toBe("one ⏎ two ⏎ three tab");
    expect(sanitizeLine("a\u202eb")).toBe("ab");
    expect(sanitizeLine("漢".repeat(600))).toBe("漢".repeat(499) + "…");
    expect(sanitizeLine(`$(x) \`y\` ; -R C-c #{s} 'q' "d" 🚀`)).toBe(`$(x) \`y\` ; -R C-c #{s} 'q' "d" 🚀`);
  });
});
