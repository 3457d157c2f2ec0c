import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export function GET() {
  const db = getDb();
  const row = db.$client.prepare("SELECT count(*) AS n FROM messages").get() as { n: number };
  return Response.json({ ok: true, db: { messages: row.n } });
}
