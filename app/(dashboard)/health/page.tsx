import type { Metadata } from "next";
import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { health } from "@/lib/dashboard/health";
import { HealthView } from "@/components/health-view";

export const metadata: Metadata = { title: "Health" };
export const dynamic = "force-dynamic";

export default async function HealthPage() {
  await requirePageUser();
  return <HealthView initial={await health(await getStore())} />;
}
