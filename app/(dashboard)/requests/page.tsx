import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { dashboardList, listParams, tabQuery } from "@/lib/requests/list";
import { RequestTable } from "@/components/request-table";

export const metadata: Metadata = { title: "Requests" };
export const dynamic = "force-dynamic";

export default async function RequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter((e): e is [string, string] => typeof e[1] === "string"));
  const parsed = listParams.safeParse({ tab: "approved", ...raw });
  const query = parsed.success ? parsed.data : listParams.parse({ tab: "approved" });
  if (query.tab === "pending") redirect("/inbox");
  const initial = await dashboardList(await getStore(), tabQuery({ ...query, cursor: undefined, sort: "newest" }));
  const filters = { agent: query.agent ?? "", session: query.session ?? "", priority: query.priority ?? "", q: query.q ?? "" };
  return (
    <>
      <h1 className="sr-only">Requests</h1>
      <RequestTable key={query.tab} tab={query.tab} filters={filters} initial={initial} />
    </>
  );
}
