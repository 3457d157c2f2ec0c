import * as z from "zod";
import type { User } from "../db/rows";
import type { Store } from "../db/store";
import { conflict, notFound } from "../http/errors";
import { parseWith } from "../http/validate";
import { newId } from "../ids";
import { hashPassword, verifyPassword } from "./passwords";
import { ROLES, type Role } from "./roles";
import { USER_TOKEN_PREFIX, hashToken, newToken } from "./tokens";

/** A signed-in person, as routes and pages see them. */
export interface UserIdentity {
  id: string;
  name: string;
  role: Role;
}

export const USER_NAME = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "must be 1-64 letters, digits, _ . @ or -");
export const PASSWORD = z.string().min(8, "must be at least 8 characters").max(1024);

/** The body of `POST /api/auth/login`. */
export const loginSchema = z.strictObject({ name: USER_NAME, password: PASSWORD });

const newUserSchema = z.object({ name: USER_NAME, role: z.enum(ROLES), password: PASSWORD });

function identity(row: User): UserIdentity {
  return { id: row.id, name: row.name, role: row.role };
}

export async function createUser(
  store: Store,
  input: { name: string; role: Role; password: string },
  now = Date.now(),
): Promise<UserIdentity> {
  const { name, role, password } = parseWith(newUserSchema, input);
  const passwordHash = await hashPassword(password);
  const row = await store.insertUser({ id: newId(now), name, role, passwordHash, tokenHash: null, createdAt: now });
  if (!row) throw conflict(`A user named "${name}" already exists.`);
  return identity(row);
}

/** Issues (or replaces) a user's API token for automation; the clear token is returned once. */
export async function issueUserToken(store: Store, userId: string): Promise<string> {
  const token = newToken(USER_TOKEN_PREFIX);
  if (!(await store.setUserTokenHash(userId, hashToken(token)))) throw notFound(`No user with id ${userId}.`);
  return token;
}

export async function userByToken(store: Store, token: string): Promise<UserIdentity | null> {
  const row = await store.userByTokenHash(hashToken(token));
  return row ? identity(row) : null;
}

// Verifying against a real-looking hash when the name is unknown keeps the answer's timing from
// telling which user names exist.
let decoy: Promise<string> | undefined;

/** The user whose name and password these are, or null. */
export async function verifyLogin(store: Store, name: string, password: string): Promise<UserIdentity | null> {
  const row = await store.userByName(name);
  decoy ??= hashPassword("decoy password");
  const ok = await verifyPassword(password, row?.passwordHash ?? (await decoy));
  return row && ok ? identity(row) : null;
}
