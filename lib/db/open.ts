import { config } from "../config";
import type { OpenDbOptions } from "./sqlite/client";
import type { Store } from "./store";

/**
 * Opens the store the settings name: PostgreSQL when GATEHOUSE_DATABASE_URL is set, else the
 * SQLite file GATEHOUSE_DB. Migrates it first (under a lock, so processes starting together do it
 * once). Each store's code loads only when it is used. A `draining` process (the worker) writes in
 * long runs rather than in answer to people: SQLite folds its WAL less often for it. The web
 * server's SQLite connection folds its WAL on a thread of its own (`foldInBackground`).
 */
export async function openStore(settings = config(), opts: Pick<OpenDbOptions, "draining" | "foldInBackground"> = {}): Promise<Store> {
  const url = settings.GATEHOUSE_DATABASE_URL;
  if (url) {
    const { openPostgresStore } = await import("./postgres/store");
    return openPostgresStore(url);
  }
  const { openSqliteStore } = await import("./sqlite/store");
  return openSqliteStore(settings.GATEHOUSE_DB, opts);
}

const cache = globalThis as unknown as { __gatehouseStore?: Promise<Store> };

/** This process's store, opened once (and kept across Next's dev reloads). */
export function getStore(): Promise<Store> {
  cache.__gatehouseStore ??= openStore(config(), { foldInBackground: true }).catch((err: unknown) => {
    cache.__gatehouseStore = undefined;
    throw err;
  });
  return cache.__gatehouseStore;
}
