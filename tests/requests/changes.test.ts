import { expect, it } from "vitest";
import { openDb } from "../../lib/db/client";
import { waitForChange } from "../../lib/requests/changes";
import { approveRequest, getRequest, markRunning } from "../../lib/requests/lifecycle";
import { awaitStatusChange } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { agent, alice, submit } from "./fixtures";

const t = useTempDb();

const HOUR = 3600_000;

it("a change another process committed just before the wait began still ends the wait", async () => {
  const r = submit(t.db, agent(t.db));
  approveRequest(t.db, r.id, alice);
  const seen = getRequest(t.db, r.id)!; // the route has read `queued` ...
  const worker = openDb(t.file);
  markRunning(worker, r.id); // ... then the worker starts it, before the wait is registered
  worker.$client.close();
  await waitForChange(t.db, r.id, seen.status, HOUR); // would hold for the hour without the re-check
  expect(getRequest(t.db, r.id)?.status).toBe("running");
}, 20_000);

it("a change another process commits during the wait ends it (PRAGMA data_version)", async () => {
  const r = submit(t.db, agent(t.db));
  approveRequest(t.db, r.id, alice);
  const waiting = awaitStatusChange(t.db, getRequest(t.db, r.id)!, HOUR);
  const worker = openDb(t.file);
  markRunning(worker, r.id);
  worker.$client.close();
  expect((await waiting).status).toBe("running");
}, 20_000);

it("a change this process makes wakes the waiter directly; the client going away ends the wait", async () => {
  const r = submit(t.db, agent(t.db));
  const waiting = awaitStatusChange(t.db, r, HOUR);
  approveRequest(t.db, r.id, alice);
  expect((await waiting).status).toBe("queued");
  const gone = new AbortController();
  const abandoned = awaitStatusChange(t.db, getRequest(t.db, r.id)!, HOUR, gone.signal);
  gone.abort();
  expect((await abandoned).status).toBe("queued");
}, 20_000);
