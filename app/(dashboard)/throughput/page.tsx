import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { requirePageUser } from "@/lib/auth/current-user";
import { overview } from "@/lib/db/queries/overview";
import { throughput } from "@/lib/db/queries/throughput";
import { ThroughputView } from "@/components/throughput-view";

export const metadata: Metadata = { title: "Throughput" };
export const dynamic = "force-dynamic";

export default async function ThroughputPage() {
  await requirePageUser();
  const db = getDb();
  // eslint-disable-next-line react-hooks/purity -- a server component: it renders once per request
  const now = Date.now();
  return <ThroughputView initial={{ ...overview(db, now), throughput: throughput(db, "1h", now) }} />;
}
