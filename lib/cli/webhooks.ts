import { ApiError } from "../http/errors";
import { WEBHOOK_KINDS, type WebhookKind } from "../webhooks/kinds";
import { addWebhook, presentWebhook, removeWebhook } from "../webhooks/manage";
import { openConfiguredStore } from "./admin";
import { option, UsageError, type Args } from "./args";

const ADD_USAGE = `usage: gatehouse webhook add URL --kind ${WEBHOOK_KINDS.join("|")} [--secret S]`;

/** Input the CLI refuses is a usage error (64), as the API's 400 would be. */
async function usageOnRefusal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError && e.status < 500) throw new UsageError(e.message);
    throw e;
  }
}

/** `gatehouse webhook add URL --kind generic|slack [--secret S]`: prints a generic hook's secret, once. */
export async function webhookAdd(args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [url] = args.positional;
  const kind = option(args, "kind");
  if (!url || !kind || !(WEBHOOK_KINDS as readonly string[]).includes(kind)) throw new UsageError(ADD_USAGE);
  const secret = option(args, "secret");
  const store = await openConfiguredStore();
  try {
    const added = await usageOnRefusal(() => addWebhook(store, { url, kind: kind as WebhookKind, secret }, "cli"));
    if (added.secret !== null) {
      out(added.secret);
      err(`webhook ${added.hook.id} posts to ${url}, signed with the secret above; it is shown only this once.`);
    } else {
      out(added.hook.id);
      err(`webhook ${added.hook.id} posts Slack messages to ${url}.`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `gatehouse webhook list`: one line per hook (id, kind, signed or not, URL); never a secret. */
export async function webhookList(out: (s: string) => void): Promise<number> {
  const store = await openConfiguredStore();
  try {
    for (const hook of (await store.listWebhooks()).map(presentWebhook)) {
      out(`${hook.id}\t${hook.kind}\t${hook.signed ? "signed" : "unsigned"}\t${hook.url}\t${hook.createdBy}\t${hook.createdAt}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `gatehouse webhook remove ID`. */
export async function webhookRemove(args: Args, err: (s: string) => void): Promise<number> {
  const [id] = args.positional;
  if (!id) throw new UsageError("usage: gatehouse webhook remove ID");
  const store = await openConfiguredStore();
  try {
    const hook = await removeWebhook(store, id).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    });
    if (!hook) {
      err(`gatehouse: no webhook with id ${id}`);
      return 1;
    }
    err(`webhook ${hook.id} (${hook.url}) removed.`);
    return 0;
  } finally {
    await store.close();
  }
}
