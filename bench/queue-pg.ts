/**
 * The queue group on PostgreSQL (`npm run bench -- queue-pg`): the same figures as `queue`, named
 * with `_pg`. Compare with the PostgreSQL peer queues on the same server in the same run.
 */
import { queueFigures } from "./queue";
import { onPostgres } from "./support/on-postgres";

export default onPostgres(queueFigures);
