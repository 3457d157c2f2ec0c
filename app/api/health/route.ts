import { getStore } from "@/lib/db/open";
import { health } from "@/lib/dashboard/health";
import { checkOperatorAccess } from "@/lib/http/operator-access";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Operators' probe (open on loopback, else a bearer token: lib/http/operator-access.ts): 200 when every part is up, else 503. */
export const GET = route(async (req) => {
  checkOperatorAccess(req);
  const h = await health(await getStore());
  return Response.json(h, { status: h.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
