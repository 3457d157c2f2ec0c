import type { Metadata } from "next";
import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { ruleMatchCounts } from "@/lib/dashboard/rule-matches";
import { listRules } from "@/lib/requests/rules";
import { RulesView } from "@/components/rules-view";

export const metadata: Metadata = { title: "Rules" };
export const dynamic = "force-dynamic";

export default async function RulesPage() {
  await requirePageUser();
  const store = await getStore();
  const rules = await listRules(store);
  const { counts, window } = await ruleMatchCounts(store, rules);
  return <RulesView window={window} rules={rules.map((r) => ({ ...r, matches: counts.get(r.id) ?? 0 }))} />;
}
