import { asc, eq } from "drizzle-orm";
import type { Rule } from "../../rows";
import { writeTx, type Db } from "../client";
import { perDb } from "../per-db";
import { meta, rules } from "../schema";

/**
 * The rules as last read, with the connection's PRAGMA data_version then: every request's policy
 * check needs them all, and they seldom change. They are read again once another connection has
 * committed anything (data_version moved: a busy worker's commits make that often, which costs no
 * more than reading them every time did) or this connection has written rules (`rulesChanged`).
 */
const cache = perDb((db) => ({
  all: db.select().from(rules).orderBy(asc(rules.createdAt), asc(rules.id)).prepare(),
  dataVersion: db.$client.prepare<[], number>("PRAGMA data_version").pluck(),
  rules: [] as readonly Rule[],
  readAt: undefined as number | undefined,
}));

/** Every rule write of this connection calls this: its own commits do not move data_version. */
export function rulesChanged(db: Db): void {
  cache(db).readAt = undefined;
}

export function listRules(db: Db): Rule[] {
  const c = cache(db);
  // The version first: rules read after it are at least as new as it says.
  const version = c.dataVersion.get();
  if (c.readAt !== version) {
    c.rules = c.all.all();
    c.readAt = version;
  }
  return [...c.rules];
}

export function addRule(db: Db, rule: Rule): Rule {
  const row = db.insert(rules).values(rule).returning().get();
  rulesChanged(db);
  return row;
}

export function deleteRule(db: Db, id: string): Rule | undefined {
  const row = db.delete(rules).where(eq(rules.id, id)).returning().get();
  rulesChanged(db);
  return row;
}

/** Inserts `seed` once for the life of the file: the marker and the rules commit together. */
export function seedRules(db: Db, seed: readonly Rule[], marker: string, now: number): boolean {
  return writeTx(db, () => {
    const marked = db.insert(meta).values({ key: marker, value: new Date(now).toISOString() }).onConflictDoNothing().run();
    if (marked.changes === 0) return false;
    db.insert(rules).values([...seed]).onConflictDoNothing().run();
    rulesChanged(db);
    return true;
  });
}
