import { requireUser } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { bulkDecide, bulkSchema } from "@/lib/requests/bulk";

/** One decision on up to 500 requests; each id gets its own result. */
export const POST = route(async (req) => {
  const db = getDb();
  const user = requireUser(db, req, "supervisor");
  const input = await readBody(req, bulkSchema);
  return Response.json({ results: bulkDecide(db, user, input) });
});
