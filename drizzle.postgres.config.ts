import { defineConfig } from "drizzle-kit";

// The PostgreSQL store's migrations (drizzle.config.ts has SQLite's): `npm run db:generate` runs both.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/postgres/schema.ts",
  out: "./drizzle/postgres",
  casing: "snake_case",
});
