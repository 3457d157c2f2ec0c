import type { Store } from "../db/store";
import { badRequest, forbidden, unauthorized } from "../http/errors";
import { checkSameOrigin } from "../http/origin";
import { agentByToken, type AgentIdentity } from "./agents";
import { hasRole, type Role } from "./roles";
import { runnerByToken, type RunnerIdentity } from "./runners";
import { AGENT_TOKEN_PREFIX, RUNNER_TOKEN_PREFIX } from "./tokens";
import { userByToken, type UserIdentity } from "./users";
import { SESSION_COOKIE, userBySessionCookie } from "./web-sessions";

/** Who is calling: an agent (bearer token) or a person (session cookie or user token). */
export type Principal =
  | { kind: "agent"; agent: AgentIdentity }
  | { kind: "user"; user: UserIdentity; via: "cookie" | "token" };

const BEARER = /^Bearer ([A-Za-z0-9_~.+/=-]{1,512})$/;

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Identifies the caller of a route: 400 for a malformed Authorization header, 401 for a token or
 * cookie that names nobody (or none at all). Cookie sessions must also pass the Origin check on
 * mutating methods; bearer tokens need not.
 */
export async function authenticate(store: Store, req: Request): Promise<Principal> {
  const header = req.headers.get("authorization");
  if (header !== null) {
    const token = BEARER.exec(header.trim())?.[1];
    if (!token) throw badRequest('The Authorization header must be "Bearer <token>".');
    // A runner token opens the runner routes and nothing else (requireRunner).
    if (token.startsWith(RUNNER_TOKEN_PREFIX)) {
      if (await runnerByToken(store, token)) throw forbidden("A runner token can only claim and report its own sessions' work (/api/runner/…).");
    } else if (token.startsWith(AGENT_TOKEN_PREFIX)) {
      const agent = await agentByToken(store, token);
      if (agent) return { kind: "agent", agent };
    } else {
      const user = await userByToken(store, token);
      if (user) return { kind: "user", user, via: "token" };
    }
    throw unauthorized("This token is not valid (revoked, mistyped, or for another Gatehouse).");
  }
  const cookie = cookieValue(req.headers.get("cookie"), SESSION_COOKIE);
  const user = cookie ? await userBySessionCookie(store, cookie) : null;
  if (!user) throw unauthorized();
  checkSameOrigin(req);
  return { kind: "user", user, via: "cookie" };
}

/** The calling person with at least `role`; agents are refused (they can never decide). */
export async function requireUser(store: Store, req: Request, role: Role = "viewer"): Promise<UserIdentity> {
  const who = await authenticate(store, req);
  if (who.kind !== "user") throw forbidden("Agent tokens cannot do this; it needs a person's sign-in or user token.");
  requireRole(who.user, role);
  return who.user;
}

/** Throws 403 unless `user` has at least `role`. */
export function requireRole(user: UserIdentity, role: Role): void {
  if (!hasRole(user.role, role)) {
    throw forbidden(`This needs the ${role} role; ${user.name} is a ${user.role}.`);
  }
}

/** The calling agent; people are refused (only agents submit requests). */
export async function requireAgent(store: Store, req: Request): Promise<AgentIdentity> {
  const who = await authenticate(store, req);
  if (who.kind !== "agent") throw forbidden("Only agents submit requests; use an agent token.");
  return who.agent;
}

/**
 * The calling runner, by its bearer token alone (no cookies: a runner is a program on another
 * host). 401 for a missing, unknown or revoked token; 403 for any other kind of token.
 */
export async function requireRunner(store: Store, req: Request): Promise<RunnerIdentity> {
  const token = BEARER.exec(req.headers.get("authorization")?.trim() ?? "")?.[1];
  if (token?.startsWith(RUNNER_TOKEN_PREFIX)) {
    const runner = await runnerByToken(store, token);
    if (runner) return runner;
    throw unauthorized("This runner token is not valid (revoked, mistyped, or for another Gatehouse).");
  }
  await authenticate(store, req);
  throw forbidden("Only runners use this route; use a runner token.");
}
