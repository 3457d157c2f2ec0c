import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { requestCounts, tabCounts } from "@/lib/db/queries/counts";
import { listRequestRows } from "@/lib/requests/list";
import { Inbox } from "@/components/inbox";

export const metadata: Metadata = { title: "Inbox" };
export const dynamic = "force-dynamic";

export default function InboxPage() {
  const db = getDb();
  const page = listRequestRows(db, { status: ["pending"], sort: "oldest", limit: 200 });
  // eslint-disable-next-line react-hooks/purity -- a server component: it renders once per request
  return <Inbox initial={{ ...page, tabs: tabCounts(requestCounts(db)), now: Date.now() }} />;
}
