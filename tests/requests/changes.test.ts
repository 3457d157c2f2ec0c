import { expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { openStore } from "../../lib/db/open";
import { waitForChange } from "../../lib/requests/changes";
import { approveRequest, getRequest, markRunning } from "../../lib/requests/lifecycle";
import { awaitStatusChange } from "../../lib/requests/read";
import { useTempDb } from "../support/use-temp-db";
import { agent, alice, submit } from "./fixtures";

const t = useTempDb();

const HOUR = 3600_000;

/** The same database opened again, as another process (the worker) would. */
const otherProcess = () => openStore(loadConfig(t.env));

it("a change another process committed just before the wait began still ends the wait", async () => {
  const r = await submit(t.store, await agent(t.store));
  await approveRequest(t.store, r.id, alice);
  const seen = (await getRequest(t.store, r.id))!; // the route has read `queued` ...
  const worker = await otherProcess();
  await markRunning(worker, r.id); // ... then the worker starts it, before the wait is registered
  await worker.close();
  await waitForChange(t.store, r.id, seen.status, HOUR); // would hold for the hour without the re-check
  expect((await getRequest(t.store, r.id))?.status).toBe("running");
}, 20_000);

it("a change another process commits during the wait ends it (PRAGMA data_version)", async () => {
  const r = await submit(t.store, await agent(t.store));
  await approveRequest(t.store, r.id, alice);
  const waiting = awaitStatusChange(t.store, (await getRequest(t.store, r.id))!, HOUR);
  const worker = await otherProcess();
  await markRunning(worker, r.id);
  await worker.close();
  expect((await waiting).status).toBe("running");
}, 20_000);

it("a change this process makes wakes the waiter directly; the client going away ends the wait", async () => {
  const r = await submit(t.store, await agent(t.store));
  const waiting = awaitStatusChange(t.store, r, HOUR);
  await approveRequest(t.store, r.id, alice);
  expect((await waiting).status).toBe("queued");
  const gone = new AbortController();
  const abandoned = awaitStatusChange(t.store, (await getRequest(t.store, r.id))!, HOUR, gone.signal);
  gone.abort();
  expect((await abandoned).status).toBe("queued");
}, 20_000);
