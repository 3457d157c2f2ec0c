import { getDb } from "@/lib/db/client";
import { health } from "@/lib/db/queries/health";
import { checkOperatorAccess } from "@/lib/http/operator-access";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Operators' probe (open on loopback, else a bearer token: lib/http/operator-access.ts): 200 when every part is up, else 503. */
export const GET = route(async (req) => {
  checkOperatorAccess(req);
  const h = await health(getDb());
  return Response.json(h, { status: h.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
