import path from "node:path";
import { createAgent } from "../auth/agents";
import { createRunner } from "../auth/runners";
import { createUser, issueUserToken } from "../auth/users";
import { ROLES, type Role } from "../auth/roles";
import { config } from "../config";
import type { Store } from "../db/store";
import { option, UsageError, type Args } from "./args";

/** The package root: migrations are found from here, whatever directory the CLI runs in. */
const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Opens the store the web server uses: PostgreSQL when GATEHOUSE_DATABASE_URL is set, else the
 * SQLite file GATEHOUSE_DB. A relative GATEHOUSE_DB means the same file as for `npm start`, which
 * runs in the package root, wherever the CLI is called from; migrations are found from there too.
 */
export async function openConfiguredStore(): Promise<Store> {
  const settings = config();
  const file = path.resolve(ROOT, settings.GATEHOUSE_DB);
  process.chdir(ROOT);
  const { openStore } = await import("../db/open");
  return openStore({ ...settings, GATEHOUSE_DB: file });
}

/** `gatehouse agent add ID --sessions a,b [--auto-approve]`: prints the token, once. */
export async function agentAdd(args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [id] = args.positional;
  const sessions = option(args, "sessions")?.split(",").filter(Boolean);
  if (!id || !sessions?.length) throw new UsageError("usage: gatehouse agent add ID --sessions a,b [--auto-approve]");
  const store = await openConfiguredStore();
  try {
    const { token } = await createAgent(store, { id, sessions, autoApprove: args.options.get("auto-approve") === true });
    out(token);
    err(`agent ${id} may target ${sessions.join(", ")}; its token is shown only this once.`);
    return 0;
  } finally {
    await store.close();
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
  const store = await openConfiguredStore();
  try {
    const user = await createUser(store, { name, role: role as Role, password });
    err(`user ${user.name} (${user.role}) created.`);
    if (args.options.get("token") === true) {
      out(await issueUserToken(store, user.id));
      err("the token is shown only this once.");
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `gatehouse runner add NAME --sessions a,b`: prints the runner's token, once. */
export async function runnerAdd(args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [id] = args.positional;
  const sessions = option(args, "sessions")?.split(",").filter(Boolean);
  if (!id || !sessions?.length) throw new UsageError("usage: gatehouse runner add NAME --sessions a,b");
  const store = await openConfiguredStore();
  try {
    const { token } = await createRunner(store, { id, sessions });
    out(token);
    err(`runner ${id} runs the commands of ${sessions.join(", ")} from now on; its token is shown only this once.`);
    return 0;
  } finally {
    await store.close();
  }
}
