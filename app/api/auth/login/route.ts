import { checkLoginRate, DEVICE_COOKIE, loginFailed, loginSucceeded } from "@/lib/auth/login-limit";
import { cookieValue } from "@/lib/auth/principal";
import { loginSchema, verifyLogin } from "@/lib/auth/users";
import { createWebSession, sessionCookieHeader, signingSecret } from "@/lib/auth/web-sessions";
import { getStore } from "@/lib/db/open";
import { unauthorized } from "@/lib/http/errors";
import { checkSameOrigin, clientAddress, isSecure } from "@/lib/http/origin";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";

/** Signs a person in: sets the signed, httpOnly session cookie. Failed guesses are slowed (lib/auth/login-limit.ts). */
export const POST = route(async (req) => {
  // A login form posted from another site would sign the victim in as someone else.
  if (req.headers.get("origin") !== null) checkSameOrigin(req);
  const store = await getStore();
  const { name, password } = await readBody(req, loginSchema);
  const secret = await signingSecret(store);
  const attempt = { name, device: cookieValue(req.headers.get("cookie"), DEVICE_COOKIE), address: clientAddress(req) };
  checkLoginRate(secret, attempt);
  const user = await verifyLogin(store, name, password);
  if (!user) {
    loginFailed(secret, attempt);
    throw unauthorized("That name and password do not match a user.");
  }
  const headers = new Headers();
  headers.append("Set-Cookie", sessionCookieHeader(await createWebSession(store, user.id), isSecure(req)));
  headers.append("Set-Cookie", loginSucceeded(secret, attempt, isSecure(req)));
  return Response.json({ user }, { headers });
});
