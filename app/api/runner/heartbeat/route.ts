import { requireRunner } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { runnerLeaseMs } from "@/lib/runners/hand-out";
import { runnerHeartbeat } from "@/lib/runners/reports";

export const dynamic = "force-dynamic";

/** A runner is alive: its leases are extended; the answer lists those it still holds (it abandons the rest). */
export const POST = route(async (req) => {
  const store = await getStore();
  const runner = await requireRunner(store, req);
  return Response.json({ held: await runnerHeartbeat(store, runner), leaseMs: runnerLeaseMs() });
});
