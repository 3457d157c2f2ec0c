// Fails when a store's schema and its committed migrations disagree: for each dialect, drizzle-kit
// generates into a scratch copy of that store's drizzle/ folder and must find nothing to do.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";

const stores = [
  { dialect: "sqlite", schema: "./lib/db/sqlite/schema.ts", out: "drizzle/sqlite" },
  { dialect: "postgresql", schema: "./lib/db/postgres/schema.ts", out: "drizzle/postgres" },
] as const;

function check(store: (typeof stores)[number]): boolean {
  // drizzle-kit only takes an --out relative to the project, so the scratch copy lives here.
  const scratch = path.relative(process.cwd(), mkdtempSync(path.join(process.cwd(), ".migrations-check-")));
  try {
    cpSync(store.out, scratch, { recursive: true });
    const args = ["drizzle-kit", "generate", "--dialect", store.dialect, "--schema", store.schema, "--casing", "snake_case"];
    const out = execFileSync("npx", [...args, "--out", scratch], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (out.includes("No schema changes")) {
      console.log(`migrations: ${store.out}/ matches ${store.schema}`);
      return true;
    }
    console.error(out);
    console.error(`${store.out}/ is out of date with ${store.schema}: run \`npm run db:generate\` and commit the result.`);
    return false;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Both, even when the first fails: one run names every stale folder.
const results = stores.map(check);
if (results.includes(false)) process.exitCode = 1;
