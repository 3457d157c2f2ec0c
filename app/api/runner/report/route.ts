import { requireRunner } from "@/lib/auth/principal";
import { config } from "@/lib/config";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { reportBody } from "@/lib/runners/protocol";
import { recordOutcome } from "@/lib/runners/reports";

export const dynamic = "force-dynamic";

/** How a runner's job ended; safe to send again (idempotent by lease). */
export const POST = route(async (req) => {
  const store = await getStore();
  const runner = await requireRunner(store, req);
  // The output is up to the cap, and JSON may write a byte as six (\u0000).
  const { id, leaseToken, outcome } = await readBody(req, reportBody, config().GATEHOUSE_OUTPUT_CAP_BYTES * 6 + 64 * 1024);
  return Response.json({ recorded: await recordOutcome(store, runner, { id, leaseToken }, outcome) });
});
