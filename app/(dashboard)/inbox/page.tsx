import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { requirePageUser } from "@/lib/auth/current-user";
import { dashboardList } from "@/lib/requests/list";
import { Inbox } from "@/components/inbox";

export const metadata: Metadata = { title: "Inbox" };
export const dynamic = "force-dynamic";

export default async function InboxPage() {
  await requirePageUser();
  return <Inbox initial={dashboardList(getDb(), { status: ["pending"], sort: "oldest", limit: 200 })} />;
}
