import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { read, rel, ROOT, userPages } from "./docs-files";

/** Markdown links and images `[text](target)`, and HTML href/src attributes, outside code. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^[ \t]*```[\s\S]*?^[ \t]*```\s*$/gm, "").replace(/`[^`\n]*`/g, "");
  const md = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const html = [...prose.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  return [...md, ...html];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/^[ \t]*```[\s\S]*?^[ \t]*```\s*$/gm, "");
  return new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe("links in docs/ and README.md", () => {
  const pages = userPages();

  it("finds the pages", () => {
    expect(pages.map(rel)).toContain("docs/README.md");
    expect(pages.length).toBeGreaterThan(5);
  });

  it.each(pages.map((p) => [rel(p), p]))("%s: every relative link resolves to a file of the repository", (_, file) => {
    const broken: string[] = [];
    for (const target of linksOf(read(file))) {
      if (isExternal(target)) continue;
      const [pathPart = "", anchor] = target.split("#");
      const resolved = pathPart === "" ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
      if (target.startsWith("/")) broken.push(`${target}: an absolute path is not a link into the repository`);
      else if (path.relative(ROOT, resolved).startsWith("..")) broken.push(`${target}: points outside the repository`);
      else if (!existsSync(resolved)) broken.push(`${target}: no such file`);
      else if (anchor && statSync(resolved).isFile() && resolved.endsWith(".md") && !anchorsOf(read(resolved)).has(anchor)) {
        broken.push(`${target}: no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(pages.map((p) => [rel(p), p]))("%s: nothing points at the team's internal files", (_, file) => {
    expect(read(file)).not.toMatch(/\.\.\/shared|\/work\/shared|shared\/(API|DESIGN|STYLE)\.md/);
  });

  it("reaches every page of docs/ from docs/README.md", () => {
    const index = read(path.join(ROOT, "docs", "README.md"));
    const linked = new Set(linksOf(index).map((t) => path.resolve(ROOT, "docs", t.split("#")[0]!)));
    const orphans = pages.filter((p) => p.startsWith(path.join(ROOT, "docs")) && !p.endsWith(path.join("docs", "README.md")) && !linked.has(p));
    expect(orphans.map(rel)).toEqual([]);
  });
});
