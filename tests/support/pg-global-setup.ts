// vitest globalSetup: with GATEHOUSE_TEST_STORE=postgres, one throwaway PostgreSQL cluster for the
// whole run (tests/support/pg.ts), its URL given to every test process; otherwise nothing.
import type { TestProject } from "vitest/node";
import { PG_URL_ENV, startPgCluster, type PgCluster } from "./pg";

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.GATEHOUSE_TEST_STORE !== "postgres") return undefined;
  const cluster: PgCluster = await startPgCluster();
  // Also in the environment, which test processes and the child processes they start inherit.
  process.env[PG_URL_ENV] = cluster.url;
  project.provide("pgBaseUrl", cluster.url);
  // Even when the run is cut short, no postgres server outlives it.
  process.once("exit", () => cluster.stop());
  return () => cluster.stop();
}
