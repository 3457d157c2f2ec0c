// A second (and third) process for the race test: opens the store its environment names
// (GATEHOUSE_DB or GATEHOUSE_DATABASE_URL), says "ready", reads the shared start time from stdin,
// waits for it, then approves.
import { createInterface } from "node:readline";
import { openStore } from "../../lib/db/open";
import { ApiError } from "../../lib/http/errors";
import { approveRequest, getRequest } from "../../lib/requests/lifecycle";

const [id, name] = process.argv.slice(2) as [string, string];
const store = await openStore();
await getRequest(store, id); // connected (PostgreSQL) and statements ready before the start
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const startAt = Number((await lines.next()).value);
const ready = Date.now() < startAt;
while (Date.now() < startAt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
try {
  await approveRequest(store, id, { id: `u-${name}`, name, role: "supervisor" });
  console.log(JSON.stringify({ ready, ok: true }));
} catch (err) {
  if (!(err instanceof ApiError)) throw err;
  console.log(JSON.stringify({ ready, ok: false, status: err.status, message: err.message }));
} finally {
  await store.close();
  process.stdin.destroy();
}
