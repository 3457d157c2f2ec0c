import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema";
import { ApiError } from "../http/errors";
import { newSecret } from "../ids";
import { createUser } from "./users";

/**
 * First start: when no admin exists, creates `admin` with the given password or a random one.
 * Returns the password only when it was generated here, so the caller can print it once.
 */
export async function ensureAdmin(db: Db, password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
  if (db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).get()) return { created: false };
  const chosen = password ?? newSecret(12);
  try {
    await createUser(db, { name: "admin", role: "admin", password: chosen });
  } catch (err) {
    // Another process created it between our check and our insert: that is success too.
    if (err instanceof ApiError && err.status === 409) return { created: false };
    throw err;
  }
  return password ? { created: true } : { created: true, generatedPassword: chosen };
}
