import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { requestDetail } from "@/lib/dashboard/request-detail";
import { notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A request with its audit trail and, while it runs, its output so far (the detail page polls this). */
export const GET = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  await requireUser(store, req);
  const { id } = await ctx.params;
  const detail = await requestDetail(store, id);
  if (!detail) throw notFound(`No request with id ${id}.`);
  return Response.json(detail);
});
