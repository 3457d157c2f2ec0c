import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getStore } from "../db/open";
import type { UserIdentity } from "./users";
import { SESSION_COOKIE, userBySessionCookie } from "./web-sessions";

/** The signed-in person for a server component or server action, or null (looked up once per request). */
export const currentUser = cache(async (): Promise<UserIdentity | null> => {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return value ? userBySessionCookie(await getStore(), value) : null;
});

/**
 * The signed-in person, or a redirect to the login page. Every dashboard page calls it itself:
 * a layout's check is not enough, since Next can render a page without re-rendering its layout.
 */
export async function requirePageUser(): Promise<UserIdentity> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}
