import type { Pg } from "./client";
import type { Agent, User } from "../rows";
import type { AuthStore, SessionUser } from "../store";
import { CONFIG_VERSION } from "./config-cache";
import { AGENT_COLUMNS, AGENT_KEYS, USER_COLUMNS, USER_KEYS, insertStatement, unstorable } from "./rows";

/** Agents, users, browser sessions and meta values, in PostgreSQL; each method one transaction or one statement. */
export function authStore(pg: Pg): AuthStore {
  const first = async <Row>(text: string, values: unknown[]): Promise<Row | undefined> => (await pg.query<Row>(text, values))[0];

  return {
    async insertAgent(agent) {
      const { text, values } = insertStatement("agents", AGENT_KEYS, [agent]);
      return (await pg.query(`${text} ON CONFLICT DO NOTHING RETURNING id`, values)).length === 1;
    },
    agentByTokenHash: (hash) => first<Agent>(`SELECT ${AGENT_COLUMNS}, ${CONFIG_VERSION} AS "configVersion" FROM agents WHERE token_hash = $1`, [hash]),
    // The order SQLite returns them in (its rowid: insertion order), as far as a table without one can.
    listAgents: () => pg.query<Agent>(`SELECT ${AGENT_COLUMNS} FROM agents ORDER BY created_at, id COLLATE "C"`),

    insertUser(user) {
      const { text, values } = insertStatement("users", USER_KEYS, [user]);
      return first<User>(`${text} ON CONFLICT DO NOTHING RETURNING ${USER_COLUMNS}`, values);
    },
    async setUserTokenHash(userId, hash) {
      return (await pg.query("UPDATE users SET token_hash = $2 WHERE id = $1 RETURNING id", [userId, hash])).length === 1;
    },
    userByTokenHash: (hash) => first<User>(`SELECT ${USER_COLUMNS} FROM users WHERE token_hash = $1`, [hash]),
    // The name comes from a login form as typed.
    userByName: async (name) => (unstorable(name) ? undefined : first<User>(`SELECT ${USER_COLUMNS} FROM users WHERE name = $1`, [name])),
    async hasAdmin() {
      return (await pg.query("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1")).length === 1;
    },

    async metaValue(key, initial) {
      // Two statements, not one: a statement's snapshot is taken before it waits on a racing
      // insert of the same key, so only a second statement can read the winner's value.
      await pg.query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING", [key, initial]);
      const row = await first<{ value: string }>("SELECT value FROM meta WHERE key = $1", [key]);
      if (!row) throw new Error(`meta ${key} vanished after it was set.`);
      return row.value;
    },

    createWebSession: (s, now) =>
      pg.tx(async (c) => {
        await c.query("DELETE FROM web_sessions WHERE expires_at <= $1", [now]);
        await c.query("INSERT INTO web_sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", [
          s.id,
          s.userId,
          s.createdAt,
          s.expiresAt,
        ]);
      }),
    webSessionUser: (id, now) =>
      first<SessionUser>(
        "SELECT u.id, u.name, u.role FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > $2",
        [id, now],
      ),
    async deleteWebSession(id) {
      await pg.query("DELETE FROM web_sessions WHERE id = $1", [id]);
    },
  };
}
