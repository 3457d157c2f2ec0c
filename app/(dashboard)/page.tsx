import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { overview } from "@/lib/dashboard/overview";
import { OverviewView } from "@/components/overview-view";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageUser();
  return <OverviewView initial={await overview(await getStore())} />;
}
