import { describe, expect, it } from "vitest";
import { connectPg } from "@/lib/db/postgres/client";
import { requestStore } from "@/lib/db/postgres/request-store";
import { eventually } from "../support/eventually";
import { approvePlan, onPostgres, requestRow, submission, usePg } from "./pg-requests-fixture";

describe.skipIf(!onPostgres)("PostgreSQL requestStore.watchRequests", () => {
  const pg = usePg();

  it("calls back after another connection changes a request, and not after it stops", async () => {
    const row = requestRow();
    await requestStore(pg()).insertRequest(submission(row));
    let calls = 0;
    // A poll interval far beyond the test: only the NOTIFY can wake it in time.
    const stop = requestStore(pg()).watchRequests(() => calls++, 3600_000);
    // Once LISTEN is in force the watcher calls back once by itself (a change may have slipped by).
    await eventually(() => calls > 0, "the call once listening");
    const before = calls;

    const other = connectPg(pg().url, { poolSize: 1, statementTimeoutMs: 30_000 });
    try {
      await requestStore(other).apply([approvePlan(row.id, 10)]);
      await eventually(() => calls > before, "a call after the approval");
      stop();
      const after = calls;
      await requestStore(other).insertRequest(submission(requestRow()));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(calls).toBe(after);
    } finally {
      await other.close();
    }
  });

  it("notices a change by polling when no notification comes", async () => {
    let calls = 0;
    // Without any listener: another process's commit moves the snapshot the poll compares.
    const quiet = { ...pg(), listen: () => new Promise<() => Promise<void>>(() => {}) };
    const stop = requestStore(quiet).watchRequests(() => calls++, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = calls;
      await requestStore(pg()).insertRequest(submission(requestRow()));
      await eventually(() => calls > before, "a call from the poll");
    } finally {
      stop();
    }
  });
});
