import { authenticate } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Who the caller is: `{"user": …}` for a person, `{"agent": …}` for an agent token. */
export const GET = route(async (req) => {
  const who = await authenticate(await getStore(), req);
  return Response.json(who.kind === "agent" ? { agent: who.agent } : { user: who.user });
});
