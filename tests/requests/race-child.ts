// A second (and third) process for the race test: opens the database, says it is ready, waits for
// the go file, then approves.
import { existsSync } from "node:fs";
import { openDb } from "../../lib/db/client";
import { ApiError } from "../../lib/http/errors";
import { approveRequest } from "../../lib/requests/lifecycle";

const [file, id, name, goFile] = process.argv.slice(2) as [string, string, string, string];
const db = openDb(file);
console.log("ready");
while (!existsSync(goFile)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
try {
  approveRequest(db, id, { id: `u-${name}`, name, role: "supervisor" });
  console.log(JSON.stringify({ ok: true }));
} catch (err) {
  if (!(err instanceof ApiError)) throw err;
  console.log(JSON.stringify({ ok: false, status: err.status, message: err.message }));
}
