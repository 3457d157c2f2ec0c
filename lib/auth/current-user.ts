import "server-only";
import { cookies } from "next/headers";
import { getDb } from "../db/client";
import type { UserIdentity } from "./users";
import { SESSION_COOKIE, userBySessionCookie } from "./web-sessions";

/** The signed-in person for a server component or server action, or null. */
export async function currentUser(): Promise<UserIdentity | null> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return value ? userBySessionCookie(getDb(), value) : null;
}
