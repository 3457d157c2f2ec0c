// A second (and third) process for the race test: waits for a shared start time, then approves.
import { openDb } from "../../lib/db/client";
import { ApiError } from "../../lib/http/errors";
import { approveRequest } from "../../lib/requests/lifecycle";

const [file, id, name, startAt] = process.argv.slice(2) as [string, string, string, string];
const db = openDb(file);
const ready = Date.now() < Number(startAt);
while (Date.now() < Number(startAt)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
try {
  approveRequest(db, id, { id: `u-${name}`, name, role: "supervisor" });
  console.log(JSON.stringify({ ready, ok: true }));
} catch (err) {
  if (!(err instanceof ApiError)) throw err;
  console.log(JSON.stringify({ ready, ok: false, status: err.status, message: err.message }));
}
