/** The API group on PostgreSQL (`npm run bench -- api-pg`): the same figures as `api`, named with `_pg`. */
import { apiFigures } from "./api";
import { onPostgres } from "./support/on-postgres";

export default onPostgres(apiFigures);
