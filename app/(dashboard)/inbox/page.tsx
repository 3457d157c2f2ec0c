import type { Metadata } from "next";
import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { dashboardList } from "@/lib/requests/list";
import { Inbox } from "@/components/inbox";

export const metadata: Metadata = { title: "Inbox" };
export const dynamic = "force-dynamic";

export default async function InboxPage() {
  await requirePageUser();
  return <Inbox initial={await dashboardList(await getStore(), { status: ["pending"], sort: "oldest", limit: 200 })} />;
}
