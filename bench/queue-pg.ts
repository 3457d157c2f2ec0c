/**
 * The queue group on PostgreSQL (`npm run bench -- queue-pg`): the same figures as `queue`, named
 * with `_pg`, on a throwaway cluster with PostgreSQL's default durability that the group starts
 * and stops. Compare with the PostgreSQL peer queues on the same server in the same run.
 */
import type { BenchGroup } from "./support/figures";
import { postgresScratches } from "./support/scratch";
import { queueFigures } from "./queue";

const queuePg: BenchGroup = async (emit) => {
  const pg = await postgresScratches();
  try {
    await queueFigures((name, value, unit) => emit(`${name}_pg`, value, unit), pg.make);
  } finally {
    pg.stop();
  }
};

export default queuePg;
