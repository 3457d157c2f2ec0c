import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getStore } from "@/lib/db/open";
import { requirePageUser } from "@/lib/auth/current-user";
import { requestDetail } from "@/lib/dashboard/request-detail";
import { RequestDetailView } from "@/components/request-detail";

export const metadata: Metadata = { title: "Request" };
export const dynamic = "force-dynamic";

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser();
  const { id } = await params;
  const detail = await requestDetail(await getStore(), id);
  if (!detail) notFound();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm muted">
        <Link href="/requests" className="hover:underline">Requests</Link> / <span className="font-mono">{id}</span>
      </nav>
      <RequestDetailView initial={detail} />
    </>
  );
}
