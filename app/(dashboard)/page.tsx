import { getDb } from "@/lib/db/client";
import { requirePageUser } from "@/lib/auth/current-user";
import { overview } from "@/lib/db/queries/overview";
import { OverviewView } from "@/components/overview-view";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageUser();
  return <OverviewView initial={overview(getDb())} />;
}
