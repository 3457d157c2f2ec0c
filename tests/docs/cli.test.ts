import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "@/lib/cli/main";
import * as submit from "@/lib/cli/submit";
import { USAGE as WORKER_USAGE } from "@/worker/options";
import { page } from "./docs-files";

/** What `gatehouse help` prints. */
async function usage(): Promise<string> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    expect(await main(["help"])).toBe(0);
  } finally {
    write.mockRestore();
  }
  return chunks.join("");
}

/** The commands of the usage text: its `gatehouse …` lines, up to the first placeholder or option. */
function commandsOf(text: string): { command: string; options: string[] }[] {
  return text
    .split("\n")
    .filter((l) => /^\s+gatehouse /.test(l))
    .map((l) => {
      const words = l.trim().split(/\s+/);
      const name: string[] = [];
      for (const w of words) {
        if (!/^[a-z][a-z-]*$/.test(w)) break;
        name.push(w);
      }
      return { command: name.join(" "), options: [...l.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]) };
    });
}

describe("docs/cli.md", () => {
  const cli = page("cli.md");
  afterEach(() => vi.restoreAllMocks());

  it("documents every command of the CLI's usage text, with a heading and every option", async () => {
    const commands = commandsOf(await usage());
    expect(commands.map((c) => c.command)).toContain("gatehouse submit");
    const headings = cli.split("\n").filter((l) => /^#{2,4} /.test(l));
    for (const { command, options } of commands) {
      expect(headings.some((h) => h.includes(`\`${command} `) || h.includes(`\`${command}\``)), `no heading for ${command}`).toBe(true);
      for (const option of options) expect(cli, `${command} ${option}`).toContain(option);
    }
  });

  it("documents no command that the CLI does not have", async () => {
    const known = new Set(commandsOf(await usage()).map((c) => c.command));
    const documented = cli
      .split("\n")
      .filter((l) => /^#{2,4} `gatehouse /.test(l))
      .map((l) => commandsOf(`  ${/`(gatehouse [^`]*)`/.exec(l)![1]!}`)[0]!.command);
    for (const c of documented) expect(known, c).toContain(c);
  });

  it("lists every exit code submit uses", () => {
    const codes = Object.entries(submit)
      .filter(([name, v]) => name.startsWith("EXIT_") && typeof v === "number")
      .map(([, v]) => v as number);
    expect(codes.length).toBeGreaterThan(0);
    // 64: a usage mistake (UsageError); 130: Ctrl-C; 1: any other failure.
    for (const code of [...codes, 0, 1, 64, 130]) expect(cli).toContain(`| \`${code}\` |`);
  });

  it("documents the worker's options", () => {
    const docs = page("architecture.md");
    for (const [option] of WORKER_USAGE.matchAll(/--[a-z][a-z-]*/g)) expect(docs, option).toContain(`\`${option}`);
  });
});
