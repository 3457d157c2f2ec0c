// Applies the committed migrations to the configured database (npm start does this first).
import { config } from "../lib/config";
import { firstStart } from "../lib/auth/bootstrap";
import { openDb } from "../lib/db/client";

const file = config().GATEHOUSE_DB;
const db = openDb(file);
await firstStart(db, config().GATEHOUSE_ADMIN_PASSWORD, console.log);
db.$client.close();
console.log(`gatehouse: database ready at ${file}`);
