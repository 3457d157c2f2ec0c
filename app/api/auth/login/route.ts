import * as z from "zod";
import { PASSWORD, USER_NAME, verifyLogin } from "@/lib/auth/users";
import { createWebSession, sessionCookieHeader } from "@/lib/auth/web-sessions";
import { getStore } from "@/lib/db/open";
import { unauthorized } from "@/lib/http/errors";
import { checkSameOrigin, isSecure } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";

const body = z.strictObject({ name: USER_NAME, password: PASSWORD });

/** Signs a person in: sets the signed, httpOnly session cookie. */
export const POST = route(async (req) => {
  // A login form posted from another site would sign the victim in as someone else.
  if (req.headers.get("origin") !== null) checkSameOrigin(req);
  const store = await getStore();
  const { name, password } = await readBody(req, body);
  const user = await verifyLogin(store, name, password);
  if (!user) throw unauthorized("That name and password do not match a user.");
  const cookie = await createWebSession(store, user.id);
  return Response.json({ user }, { headers: { "Set-Cookie": sessionCookieHeader(cookie, isSecure(req)) } });
});
