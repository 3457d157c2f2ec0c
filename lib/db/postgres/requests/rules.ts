import type { Pg, PgTx } from "../client";
import type { Rule } from "../../rows";
import type { NewRule } from "../../store";
import { configList } from "../config-cache";
import { RULE_COLUMNS, RULE_KEYS, insertStatement, unstorable } from "../rows";

// Policy rules, in the order the policy reads them within a kind: oldest first, then by id. The
// id is compared bytewise (COLLATE "C"), as SQLite does, whatever the database's collation: the
// built-in rules share one created_at and their ids hold hyphens, which locales may skip.

/** Every rule, from memory when `seen` says the copy there is new enough (configList). */
export const ruleList = (pg: Pg) => configList<Rule>(pg, "rules", RULE_COLUMNS);

export async function addRule(pg: PgTx, rule: NewRule): Promise<Rule> {
  const { text, values } = insertStatement("rules", RULE_KEYS, [rule]);
  const [row] = await pg.query<Rule>(`${text} RETURNING ${RULE_COLUMNS}`, values);
  if (!row) throw new Error(`Rule ${rule.id} was not inserted.`);
  return row;
}

export async function deleteRule(pg: PgTx, id: string): Promise<Rule | undefined> {
  if (unstorable(id)) return undefined;
  const [row] = await pg.query<Rule>(`DELETE FROM rules WHERE id = $1 RETURNING ${RULE_COLUMNS}`, [id]);
  return row;
}

/** Adds `rule` unless a rule of the same kind, pattern and agent, for any session, exists (in the caller's transaction). */
export async function rememberRule(c: PgTx, rule: NewRule): Promise<void> {
  const same = [rule.kind, rule.pattern, rule.agentId];
  // Two transactions remembering the same command at once would each see no rule and both insert:
  // the lock (held to commit) makes the second one wait and then see the first one's rule.
  await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`gatehouse.rules:${JSON.stringify(same)}`]);
  const [known] = await c.query(
    "SELECT 1 FROM rules WHERE kind = $1 AND pattern = $2 AND agent_id IS NOT DISTINCT FROM $3 AND session IS NULL LIMIT 1",
    same,
  );
  if (!known) await addRule(c, rule);
}

/** Inserts `seed` once for the life of the database: the marker and the rules commit together. */
export function seedRules(pg: Pg, seed: readonly NewRule[], marker: string, now: number): Promise<boolean> {
  return pg.tx(async (c) => {
    // A second process seeding at the same moment waits on the marker's key, then inserts nothing.
    const marked = await c.query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key", [
      marker,
      new Date(now).toISOString(),
    ]);
    if (marked.length === 0) return false;
    if (seed.length) {
      const { text, values } = insertStatement("rules", RULE_KEYS, seed);
      await c.query(`${text} ON CONFLICT DO NOTHING`, values);
    }
    return true;
  });
}
