import type { Metadata } from "next";
import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { overview } from "@/lib/dashboard/overview";
import { throughput } from "@/lib/dashboard/throughput";
import { ThroughputView } from "@/components/throughput-view";

export const metadata: Metadata = { title: "Throughput" };
export const dynamic = "force-dynamic";

export default async function ThroughputPage() {
  await requirePageUser();
  const store = await getStore();
  // eslint-disable-next-line react-hooks/purity -- a server component: it renders once per request
  const now = Date.now();
  return <ThroughputView initial={{ ...(await overview(store, now)), throughput: await throughput(store, "1h", now) }} />;
}
