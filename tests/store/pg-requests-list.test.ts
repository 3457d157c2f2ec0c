import { beforeEach, describe, expect, it } from "vitest";
import type { Request } from "@/lib/db/rows";
import type { ListQuery } from "@/lib/db/store";
import { requestStore } from "@/lib/db/postgres/request-store";
import { onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

describe.skipIf(!onPostgres)("PostgreSQL requestStore lists", () => {
  const pg = usePg();
  let rows: Request[];

  beforeEach(async () => {
    const store = requestStore(pg());
    // Ten requests, one millisecond apart (ids sort by creation), in a mix of everything filtered on.
    rows = Array.from({ length: 10 }, (_, i) =>
      requestRow({
        createdAt: 1_000 + i,
        agentId: i % 2 ? "odd" : "even",
        session: i < 5 ? "s1" : "s2",
        status: i % 3 === 0 ? "pending" : i % 3 === 1 ? "queued" : "dead",
        priority: i === 4 ? "HIGH" : "NORMAL",
        command: i === 7 ? "echo 100%_done" : `echo ${i}`,
        reason: i === 2 ? "Deploy The App" : null,
        discardedAt: i === 8 ? 5_000 : null,
      }),
    );
    for (const row of rows) await store.insertRequest(submission(row));
  });

  const ids = async (query: ListQuery) => (await requestStore(pg()).listRequests(query)).items.map((r) => r.id);
  const at = (...indexes: number[]) => indexes.map((i) => rows[i]!.id);

  it("pages newest first by id, each page's cursor leading to the next, and ends with a null cursor", async () => {
    const store = requestStore(pg());
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      const page = await store.listRequestRows({ limit: 4, cursor });
      seen.push(...page.items.map((r) => r.id));
      expect(page.partial).toBe(false);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
      expect(pages).toBeLessThan(3);
    }
    expect(seen).toEqual(at(9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
  });

  it("pages oldest first too, and a full last page says there is no next one", async () => {
    const page = await requestStore(pg()).listRequests({ sort: "oldest", limit: 5 });
    expect(page.items.map((r) => r.id)).toEqual(at(0, 1, 2, 3, 4));
    expect(page.nextCursor).toBe(rows[4]!.id);
    const last = await requestStore(pg()).listRequests({ sort: "oldest", limit: 5, cursor: page.nextCursor! });
    expect(last.items.map((r) => r.id)).toEqual(at(5, 6, 7, 8, 9));
    expect(last.nextCursor).toBeNull();
  });

  it("returns whole rows, or the dashboard's columns without the output", async () => {
    const [full] = (await requestStore(pg()).listRequests({ limit: 1 })).items;
    expect(full).toEqual(rows[9]);
    const [listed] = (await requestStore(pg()).listRequestRows({ limit: 1 })).items;
    expect(listed).not.toHaveProperty("output");
    expect(listed).toMatchObject({ id: rows[9]!.id, agentId: "odd", status: "pending", createdAt: 1_009 });
  });

  it("filters by statuses, agent, session, priorities and discarded", async () => {
    expect(await ids({ status: ["pending", "dead"], agent: "even" })).toEqual(at(8, 6, 2, 0));
    expect(await ids({ session: "s1", status: ["queued"] })).toEqual(at(4, 1));
    expect(await ids({ priority: ["HIGH", "EMERGENCY"] })).toEqual(at(4));
    expect(await ids({ status: ["dead"], discarded: false })).toEqual(at(5, 2));
    expect(await ids({ discarded: true })).toEqual(at(8));
    expect(await ids({ status: [] })).toHaveLength(10);
  });

  it("finds text in the command or the reason, ignoring case, with % and _ taken literally", async () => {
    expect(await ids({ q: "deploy the" })).toEqual(at(2));
    expect(await ids({ q: "0%_d" })).toEqual(at(7));
    expect(await ids({ q: "%" })).toEqual(at(7));
    expect(await ids({ q: "echo_" })).toEqual([]);
  });

  it("caps a page at 200 rows", async () => {
    const page = await requestStore(pg()).listRequests({ limit: 1000 });
    expect(page.items).toHaveLength(10);
    expect(page.nextCursor).toBeNull();
  });
});
