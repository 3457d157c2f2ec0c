// Fails when lib/db/schema.ts and the committed migrations in drizzle/ disagree: drizzle-kit
// generates into a scratch copy of drizzle/ and must find nothing to do.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";

// drizzle-kit only takes an --out relative to the project, so the scratch copy lives here.
const scratch = path.relative(process.cwd(), mkdtempSync(path.join(process.cwd(), ".migrations-check-")));
try {
  cpSync("drizzle", scratch, { recursive: true });
  const args = ["drizzle-kit", "generate", "--dialect", "sqlite", "--schema", "./lib/db/schema.ts", "--casing", "snake_case"];
  const out = execFileSync("npx", [...args, "--out", scratch], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (!out.includes("No schema changes")) {
    console.error(out);
    console.error("drizzle/ is out of date with lib/db/schema.ts: run `npm run db:generate` and commit the result.");
    process.exitCode = 1;
  } else {
    console.log("migrations: drizzle/ matches lib/db/schema.ts");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
