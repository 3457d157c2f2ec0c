import { config } from "../config";
import type { Store } from "./store";

/**
 * Opens the store the settings name: PostgreSQL when GATEHOUSE_DATABASE_URL is set, else the
 * SQLite file GATEHOUSE_DB. Migrates it first (under a lock, so processes starting together do it
 * once). Each store's code loads only when it is used.
 */
export async function openStore(settings = config(), opts: { checkpointPages?: number } = {}): Promise<Store> {
  const url = settings.GATEHOUSE_DATABASE_URL;
  if (url) {
    const { openPostgresStore } = await import("./postgres/store");
    return openPostgresStore(url);
  }
  const { openSqliteStore } = await import("./sqlite/store");
  return openSqliteStore(settings.GATEHOUSE_DB, opts);
}

/**
 * The web server folds SQLite's WAL into the file only when it has grown ~160 MB (no worker
 * running, say): a checkpoint holds up every request in flight for tens of milliseconds (the api
 * bench's p99 was those stalls), and the worker folds it every second in the background.
 */
const WEB_CHECKPOINT_PAGES = 40_000;

const cache = globalThis as unknown as { __gatehouseStore?: Promise<Store> };

/** This process's store, opened once (and kept across Next's dev reloads). */
export function getStore(): Promise<Store> {
  cache.__gatehouseStore ??= openStore(config(), { checkpointPages: WEB_CHECKPOINT_PAGES }).catch((err: unknown) => {
    cache.__gatehouseStore = undefined;
    throw err;
  });
  return cache.__gatehouseStore;
}
