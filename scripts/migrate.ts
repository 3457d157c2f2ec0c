// Applies the committed migrations to the configured database (npm start does this first).
import { config } from "../lib/config";
import { firstStart } from "../lib/auth/bootstrap";
import { openStore } from "../lib/db/open";

const settings = config();
const store = await openStore(settings);
await firstStart(store, settings.GATEHOUSE_ADMIN_PASSWORD, console.log);
await store.close();
console.log(`gatehouse: database ready (${settings.GATEHOUSE_DATABASE_URL ? "PostgreSQL" : settings.GATEHOUSE_DB})`);
