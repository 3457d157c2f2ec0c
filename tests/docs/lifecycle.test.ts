import { describe, expect, it } from "vitest";
import type { Request as RequestRow } from "@/lib/db/rows";
import { TRANSITIONS } from "@/lib/requests/lifecycle";
import { presentRequest } from "@/lib/requests/present";
import { REQUEST_STATUSES } from "@/lib/requests/statuses";
import { fencedBlocks, page } from "./docs-files";

/** The first cells of a page's table rows. */
function firstCells(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((l) => l.startsWith("| "))
    .map((l) => l.split("|")[1]!.trim());
}

describe("docs/lifecycle.md", () => {
  const lifecycle = page("lifecycle.md");
  const cells = firstCells(lifecycle);

  it.each([...REQUEST_STATUSES])("describes the status %s", (status) => {
    expect(cells).toContain(`\`${status}\``);
  });

  it.each(Object.keys(TRANSITIONS))("lists the transition %s", (name) => {
    expect(cells.some((c) => c.split(/\s*\/\s*/).includes(name)), name).toBe(true);
  });
});

describe("docs/api.md's request object", () => {
  it("has every field the API answers with", () => {
    // Every column 0: enough for presentRequest to name its fields.
    const fields = Object.keys(presentRequest(new Proxy({}, { get: () => 0 }) as RequestRow));
    const block = fencedBlocks(page("api.md"), "json").find((b) => b.includes('"agentId"'));
    expect(block).toBeDefined();
    for (const field of fields) expect(block, field).toContain(`"${field}"`);
  });

  it("lists every status", () => {
    const api = page("api.md");
    for (const status of REQUEST_STATUSES) expect(api).toContain(status);
  });
});
