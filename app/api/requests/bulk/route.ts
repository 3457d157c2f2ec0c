import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { bulkDecide, bulkSchema } from "@/lib/requests/bulk";

/** One decision on up to 500 requests; each id gets its own result. */
export const POST = route(async (req) => {
  const store = await getStore();
  const user = await requireUser(store, req, "supervisor");
  const input = await readBody(req, bulkSchema);
  return Response.json({ results: await bulkDecide(store, user, input) });
});
