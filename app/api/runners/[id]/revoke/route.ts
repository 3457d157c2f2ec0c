import { requireUser } from "@/lib/auth/principal";
import { revokeRunner } from "@/lib/auth/runners";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** An admin revokes a runner: its token stops working, its sessions go back to the local worker. */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  await requireUser(store, req, "admin");
  await revokeRunner(store, (await ctx.params).id);
  return new Response(null, { status: 204 });
});
