import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { requirePageUser } from "@/lib/auth/current-user";
import { ruleMatchCounts } from "@/lib/db/queries/rule-matches";
import { listRules } from "@/lib/requests/rules";
import { RulesView } from "@/components/rules-view";

export const metadata: Metadata = { title: "Rules" };
export const dynamic = "force-dynamic";

export default async function RulesPage() {
  await requirePageUser();
  const db = getDb();
  const rules = listRules(db);
  const { counts, window } = ruleMatchCounts(db, rules);
  return <RulesView window={window} rules={rules.map((r) => ({ ...r, matches: counts.get(r.id) ?? 0 }))} />;
}
