import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { page, read, rel, sourceFiles, userPages } from "./docs-files";

/** The names of every setting lib/config.ts reads: the keys it looks up in the environment. */
function settingNames(): string[] {
  const asked = new Set<string>();
  const env: Record<string, string | undefined> = new Proxy({}, {
    get: (_, key) => {
      if (typeof key === "string") asked.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  return [...asked];
}

/** The rows of the settings page's tables: variable → its default column. */
function documentedSettings(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of page("settings.md").split("\n")) {
    const m = /^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|/.exec(line);
    if (m) rows.set(m[1]!, m[2]!);
  }
  return rows;
}

/** How a default is written in the page: numbers as digits, booleans as no/yes, strings as they are. */
function shown(value: unknown): string {
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

describe("docs/settings.md", () => {
  const names = settingNames();
  const documented = documentedSettings();
  const defaults = loadConfig({}) as Record<string, unknown>;

  it("reads the setting names from lib/config.ts", () => {
    expect(names).toContain("GATEHOUSE_DB");
    expect(names.length).toBeGreaterThan(10);
  });

  it.each(settingNames())("documents %s with its default", (name) => {
    const cell = documented.get(name);
    expect(cell, `${name} has no row in docs/settings.md`).toBeDefined();
    if (defaults[name] !== undefined) expect(cell).toContain(`\`${shown(defaults[name])}\``);
    else expect(cell).toMatch(/unset/);
  });

  it("documents no GATEHOUSE_* variable that the code does not read", () => {
    const code = sourceFiles().map(read).join("\n");
    const unknown: string[] = [];
    for (const file of userPages()) {
      for (const [name] of read(file).matchAll(/\bGATEHOUSE_[A-Z0-9_]+\b/g)) {
        if (!names.includes(name) && !code.includes(name)) unknown.push(`${rel(file)}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("lists in its tables only variables that exist", () => {
    const code = sourceFiles().map(read).join("\n");
    for (const name of documented.keys()) expect(names.includes(name) || code.includes(name), name).toBe(true);
  });
});
