import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Every runner, revoked ones too, with when each was last seen and what it holds. */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req);
  return Response.json({ items: await store.listRunners() });
});
