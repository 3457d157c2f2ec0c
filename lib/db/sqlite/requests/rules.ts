import { asc, eq } from "drizzle-orm";
import type { Rule } from "../../rows";
import { writeTx, type Db } from "../client";
import { perDb } from "../per-db";
import { meta, rules } from "../schema";

const allRules = perDb((db) => db.select().from(rules).orderBy(asc(rules.createdAt), asc(rules.id)).prepare());

export const listRules = (db: Db): Rule[] => allRules(db).all();
export const addRule = (db: Db, rule: Rule): Rule => db.insert(rules).values(rule).returning().get();
export const deleteRule = (db: Db, id: string): Rule | undefined => db.delete(rules).where(eq(rules.id, id)).returning().get();

/** Inserts `seed` once for the life of the file: the marker and the rules commit together. */
export function seedRules(db: Db, seed: readonly Rule[], marker: string, now: number): boolean {
  return writeTx(db, () => {
    const marked = db.insert(meta).values({ key: marker, value: new Date(now).toISOString() }).onConflictDoNothing().run();
    if (marked.changes === 0) return false;
    db.insert(rules).values([...seed]).onConflictDoNothing().run();
    return true;
  });
}
