// Applies the committed migrations to the configured database (npm start does this first).
import { config } from "../lib/config";
import { openDb } from "../lib/db/client";

const file = config().GATEHOUSE_DB;
openDb(file).$client.close();
console.log(`gatehouse: database ready at ${file}`);
