import type { BenchGroup, Emit } from "./figures";
import { postgresScratches, type MakeScratch } from "./scratch";

/**
 * A PostgreSQL twin of a group: the same figures, named with `_pg`, on a throwaway cluster of
 * default durability that it starts and stops.
 */
export function onPostgres(figures: (emit: Emit, scratch: MakeScratch) => Promise<void>): BenchGroup {
  return async (emit) => {
    const pg = await postgresScratches();
    try {
      await figures((name, value, unit) => emit(`${name}_pg`, value, unit), pg.make);
    } finally {
      pg.stop();
    }
  };
}
