import { afterEach, beforeEach, expect, it } from "vitest";
import { newId } from "../../lib/ids";
import { listRequests, SCAN_BUDGET, type ListFilter } from "../../lib/requests/list";
import { tempDb } from "../support/temp-db";

let t: ReturnType<typeof tempDb>;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.cleanup());

const STATUSES = ["pending", "queued", "succeeded", "failed", "dead"] as const;

/** `n` requests, oldest first; every 997th mentions "needle". */
function fill(n: number) {
  const insert = t.db.$client.prepare(
    `INSERT INTO requests (id, agent_id, session, command, priority, status, created_at, expires_at, discarded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  t.db.$client.transaction(() => {
    for (let i = 0; i < n; i++) {
      const at = 1_700_000_000_000 + i * 1000;
      const status = STATUSES[i % STATUSES.length]!;
      insert.run(newId(at), `agent-${i % 3}`, `s-${i % 4}`, i % 997 === 0 ? `grep needle ${i}` : `make ${i}`, i % 7 === 0 ? "URGENT" : "NORMAL", status, at, at + 1, status === "dead" && i % 2 ? at : null);
    }
  })();
}

/** Every page of a list, following nextCursor to the end. */
function all(filter: Partial<ListFilter>) {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = listRequests(t.db, { ...filter, cursor });
    ids.push(...page.items.map((r) => r.id));
    pages++;
    if (!page.nextCursor) return { ids, pages };
    cursor = page.nextCursor;
  }
}

function expected(where: string, ...params: unknown[]) {
  return t.db.$client.prepare(`SELECT id FROM requests WHERE ${where} ORDER BY id DESC`).pluck().all(...params) as string[];
}

it("pages newest first with no gaps and no repeats, one status or several", () => {
  fill(2_000);
  expect(all({ limit: 37 }).ids).toEqual(expected("1"));
  expect(all({ limit: 50, status: ["queued", "failed", "dead"] }).ids).toEqual(expected("status IN ('queued', 'failed', 'dead')"));
  expect(all({ limit: 50, agent: "agent-1", status: ["pending"] }).ids).toEqual(expected("agent_id = 'agent-1' AND status = 'pending'"));
});

it("a rare text search over more rows than one walk may scan still finds every match, page by page", () => {
  fill(SCAN_BUDGET * 2 + 5_000);
  const found = all({ q: "needle", limit: 100 });
  expect(found.ids).toEqual(expected("command LIKE '%needle%'"));
  expect(found.ids.length).toBeLessThan(100);
  expect(found.pages).toBe(3); // every walk stopped on the budget until the last
  const several = all({ q: "needle", status: ["pending", "failed"], limit: 5 });
  expect(several.ids).toEqual(expected("command LIKE '%needle%' AND status IN ('pending', 'failed')"));
});

it("dead-letter triage hides discarded requests; priority filters", () => {
  fill(3_000);
  expect(all({ status: ["dead"], discarded: false }).ids).toEqual(expected("status = 'dead' AND discarded_at IS NULL"));
  expect(all({ priority: ["URGENT"], session: "s-2" }).ids).toEqual(expected("priority = 'URGENT' AND session = 's-2'"));
});

it("treats search text as text: % and _ match themselves", () => {
  fill(100);
  expect(listRequests(t.db, { q: "%" }).items).toEqual([]);
  expect(listRequests(t.db, { q: "_" }).items).toEqual([]);
});
