import { getStore } from "@/lib/db/open";
import { health } from "@/lib/dashboard/health";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Operators' probe (no sign-in: Gatehouse binds to loopback): 200 when every part is up, else 503. */
export const GET = route(async () => {
  const h = await health(await getStore());
  return Response.json(h, { status: h.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
