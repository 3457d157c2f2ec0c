import type { Store } from "../db/store";
import { ApiError } from "../http/errors";
import { newSecret } from "../ids";
import { ensureDefaultRules } from "../requests/rules";
import { createUser } from "./users";

/**
 * First start: when no admin exists, creates `admin` with the given password or a random one.
 * Returns the password only when it was generated here, so the caller can print it once.
 */
export async function ensureAdmin(store: Store, password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
  if (await store.hasAdmin()) return { created: false };
  const chosen = password ?? newSecret(12);
  try {
    await createUser(store, { name: "admin", role: "admin", password: chosen });
  } catch (err) {
    // Another process created it between our check and our insert: that is success too.
    if (err instanceof ApiError && err.status === 409) return { created: false };
    throw err;
  }
  return password ? { created: true } : { created: true, generatedPassword: chosen };
}

/**
 * What `npm start` and `npm run migrate` do once the schema is up to date: seed the built-in
 * policy rules and the first admin, printing a generated password exactly once.
 */
export async function firstStart(store: Store, adminPassword: string | undefined, print: (line: string) => void): Promise<void> {
  await ensureDefaultRules(store);
  const admin = await ensureAdmin(store, adminPassword);
  if (admin.generatedPassword) {
    print(`gatehouse: created user "admin" with password ${admin.generatedPassword}`);
    print("gatehouse: (shown once; sign in and keep it, or set GATEHOUSE_ADMIN_PASSWORD before the first start)");
  } else if (admin.created) {
    print('gatehouse: created user "admin" with the password in GATEHOUSE_ADMIN_PASSWORD');
  }
}
