import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { requirePageUser } from "@/lib/auth/current-user";
import { health } from "@/lib/db/queries/health";
import { HealthView } from "@/components/health-view";

export const metadata: Metadata = { title: "Health" };
export const dynamic = "force-dynamic";

export default async function HealthPage() {
  await requirePageUser();
  return <HealthView initial={await health(getDb())} />;
}
