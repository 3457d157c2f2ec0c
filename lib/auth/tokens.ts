import { createHash } from "node:crypto";
import { newSecret } from "../ids";

/** Token prefixes say what a token is when it turns up in a log or a config file. */
export const AGENT_TOKEN_PREFIX = "gha_";
export const USER_TOKEN_PREFIX = "ghu_";
export const RUNNER_TOKEN_PREFIX = "ghr_";

export function newToken(prefix: string): string {
  return prefix + newSecret(32);
}

/** Tokens are stored only as this hash: a leaked database does not leak working tokens. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
