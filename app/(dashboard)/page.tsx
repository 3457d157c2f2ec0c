import { getDb } from "@/lib/db/client";
import { overview } from "@/lib/db/queries/overview";
import { OverviewView } from "@/components/overview-view";

export const dynamic = "force-dynamic";

export default function OverviewPage() {
  return <OverviewView initial={overview(getDb())} />;
}
