import { authenticate } from "@/lib/auth/principal";
import { getDb } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Who the caller is: `{"user": …}` for a person, `{"agent": …}` for an agent token. */
export const GET = route((req) => {
  const who = authenticate(getDb(), req);
  return Response.json(who.kind === "agent" ? { agent: who.agent } : { user: who.user });
});
