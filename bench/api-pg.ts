/**
 * The API group on PostgreSQL (`npm run bench -- api-pg`): the same figures as `api`, named with
 * `_pg`, with web server and worker on a throwaway cluster of default durability.
 */
import { apiFigures } from "./api";
import type { BenchGroup } from "./support/figures";
import { postgresScratches } from "./support/scratch";

const apiPg: BenchGroup = async (emit) => {
  const pg = await postgresScratches();
  try {
    await apiFigures((name, value, unit) => emit(`${name}_pg`, value, unit), pg.make);
  } finally {
    pg.stop();
  }
};

export default apiPg;
