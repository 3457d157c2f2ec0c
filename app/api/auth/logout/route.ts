import { cookieValue } from "@/lib/auth/principal";
import { SESSION_COOKIE, endWebSession, sessionCookieHeader } from "@/lib/auth/web-sessions";
import { getStore } from "@/lib/db/open";
import { checkSameOrigin, isSecure } from "@/lib/http/origin";
import { route } from "@/lib/http/route";

/** Signs out: ends the session and clears the cookie. */
export const POST = route(async (req) => {
  const cookie = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
  if (cookie) {
    checkSameOrigin(req);
    await endWebSession(await getStore(), cookie);
  }
  return Response.json({ ok: true }, { headers: { "Set-Cookie": sessionCookieHeader("", isSecure(req)) } });
});
