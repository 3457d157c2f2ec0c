/**
 * The queue group on PostgreSQL (`npm run bench -- queue-pg`): the same figures as `queue`, named
 * with `_pg`. Compare with the PostgreSQL peer queues on the same server in the same run.
 */
import { queueFigures } from "./queue";
import { onPostgres } from "./support/on-postgres";

// Without e2e_one_per_s_delayed: PostgreSQL's claim still steps over every delayed message of a
// higher priority (SQLite's walks messages_ready_now), so that run would take many minutes.
export default onPostgres((emit, scratch) => queueFigures(emit, scratch, { delayedBacklog: false }));
