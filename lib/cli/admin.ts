import path from "node:path";
import { createAgent } from "../auth/agents";
import { createUser, issueUserToken } from "../auth/users";
import { ROLES, type Role } from "../auth/roles";
import type { Db } from "../db/client";
import { option, UsageError, type Args } from "./args";

/** The package root: migrations are found from here, whatever directory the CLI runs in. */
const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Opens the database the web server uses: GATEHOUSE_DB as given (relative to where the CLI was
 * called), or the default under the package root, where `npm start` keeps it. The client module
 * finds migrations from the working directory when it loads, hence the late import.
 */
async function openConfiguredDb(): Promise<Db> {
  const file = process.env.GATEHOUSE_DB ? path.resolve(process.env.GATEHOUSE_DB) : path.join(ROOT, "data/gatehouse.db");
  process.chdir(ROOT);
  const { openDb } = await import("../db/client");
  return openDb(file);
}

/** `gatehouse agent add ID --sessions a,b [--auto-approve]`: prints the token, once. */
export async function agentAdd(args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [id] = args.positional;
  const sessions = option(args, "sessions")?.split(",").filter(Boolean);
  if (!id || !sessions?.length) throw new UsageError("usage: gatehouse agent add ID --sessions a,b [--auto-approve]");
  const db = await openConfiguredDb();
  try {
    const { token } = createAgent(db, { id, sessions, autoApprove: args.options.get("auto-approve") === true });
    out(token);
    err(`agent ${id} may target ${sessions.join(", ")}; its token is shown only this once.`);
    return 0;
  } finally {
    db.$client.close();
  }
}

/** `gatehouse user add NAME --role R [--token]`: the password comes from stdin. */
export async function userAdd(args: Args, stdin: () => Promise<string>, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [name] = args.positional;
  const role = option(args, "role");
  if (!name || !role || !(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`usage: gatehouse user add NAME --role ${ROLES.join("|")} [--token]  (password on stdin)`);
  }
  const password = (await stdin()).split(/\r?\n/)[0] ?? "";
  const db = await openConfiguredDb();
  try {
    const user = await createUser(db, { name, role: role as Role, password });
    err(`user ${user.name} (${user.role}) created.`);
    if (args.options.get("token") === true) {
      out(issueUserToken(db, user.id));
      err("the token is shown only this once.");
    }
    return 0;
  } finally {
    db.$client.close();
  }
}
