// What the docs tests read: the Markdown pages that ship with the repository, and the code they
// describe. Nothing here opens a database.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const DOCS = path.join(ROOT, "docs");

function walk(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name.startsWith(".") ? [] : walk(full, keep);
    return keep(full) ? [full] : [];
  });
}

/** Every page under docs/, and the README: what a user of the repository reads. */
export function userPages(): string[] {
  return [...walk(DOCS, (f) => f.endsWith(".md")), path.join(ROOT, "README.md")].sort();
}

export function read(file: string): string {
  return readFileSync(file, "utf8");
}

export function page(name: string): string {
  return read(path.join(DOCS, name));
}

export const rel = (file: string) => path.relative(ROOT, file);

/** The bodies of the fenced code blocks of `markdown` whose info string is `lang`. */
export function fencedBlocks(markdown: string, lang: string): string[] {
  const blocks: string[] = [];
  const fence = /^[ \t]*```([^\n`]*)\n([\s\S]*?)^[ \t]*```\s*$/gm;
  for (const m of markdown.matchAll(fence)) if (m[1]!.trim() === lang) blocks.push(m[2]!);
  return blocks;
}

/** Source files of the product (not tests, not docs), for "does the code read this variable". */
export function sourceFiles(): string[] {
  return ["lib", "worker", "scripts", "bin", "app"].flatMap((d) => walk(path.join(ROOT, d), (f) => /\.(ts|tsx|js|cjs|mjs|sh)$/.test(f)));
}

/** Route files under app/api, as the HTTP paths they serve (`[id]` → `:id`) and the methods they export. */
export function apiRoutes(): { file: string; path: string; methods: string[] }[] {
  return walk(path.join(ROOT, "app", "api"), (f) => path.basename(f) === "route.ts").map((file) => {
    const dir = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
    const route = "/" + dir.map((s) => s.replace(/^\[(.+)\]$/, ":$1")).join("/");
    const methods = [...read(file).matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    return { file, path: route, methods };
  });
}
