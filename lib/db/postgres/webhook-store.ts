import type { Webhook } from "../rows";
import type { WebhookStore } from "../store";
import type { Pg } from "./client";
import { configList } from "./config-cache";
import { columnOf, insertStatement, unstorable } from "./rows";

// Outgoing webhooks in PostgreSQL, oldest first (then by id, bytewise as SQLite compares).

const KEYS: Record<keyof Webhook, true> = { id: true, url: true, kind: true, secret: true, createdBy: true, createdAt: true };
const COLUMNS = Object.keys(KEYS)
  .map((k) => `${columnOf(k)} AS "${k}"`)
  .join(", ");

export function webhookStore(pg: Pg): WebhookStore {
  return {
    listWebhooks: configList<Webhook>(pg, "webhooks", COLUMNS),
    async getWebhook(id) {
      if (unstorable(id)) return undefined;
      const [row] = await pg.query<Webhook>(`SELECT ${COLUMNS} FROM webhooks WHERE id = $1`, [id]);
      return row;
    },
    async addWebhook(hook) {
      const { text, values } = insertStatement("webhooks", KEYS, [hook]);
      const [row] = await pg.query<Webhook>(`${text} RETURNING ${COLUMNS}`, values);
      if (!row) throw new Error(`Webhook ${hook.id} was not inserted.`);
      return row;
    },
    async deleteWebhook(id) {
      if (unstorable(id)) return undefined;
      const [row] = await pg.query<Webhook>(`DELETE FROM webhooks WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
      return row;
    },
  };
}
