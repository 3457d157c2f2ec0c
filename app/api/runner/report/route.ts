import { requireRunner } from "@/lib/auth/principal";
import { config } from "@/lib/config";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { nudge } from "@/lib/queue/wake";
import { handOut, runnerLeaseMs } from "@/lib/runners/hand-out";
import { reportBody } from "@/lib/runners/protocol";
import { recordOutcome } from "@/lib/runners/reports";

export const dynamic = "force-dynamic";

/**
 * How a runner's jobs ended, one report or several (`reports`); safe to send again (idempotent by
 * lease). It may ask for its next jobs in the same call.
 */
export const POST = route(async (req) => {
  const store = await getStore();
  const runner = await requireRunner(store, req);
  // One report's output is up to the cap, and JSON may write a byte as six (\u0000). The runner
  // sends a report that large in a call of its own (see takeBatch in lib/runner/daemon.ts).
  const body = await readBody(req, reportBody, config().GATEHOUSE_OUTPUT_CAP_BYTES * 6 + 64 * 1024);
  const several = "reports" in body;
  const reports = several ? body.reports : [body];
  const recorded: boolean[] = [];
  for (const { id, leaseToken, outcome } of reports) recorded.push(await recordOutcome(store, runner, { id, leaseToken }, outcome));
  // `claim: 0` asks for nothing, notices included: a stopping runner sends it.
  const jobs = body.claim > 0 ? await handOut(store, runner, body.claim, req.signal) : [];
  // A session's next command, or a notice, may be due now: wake this server's waiting runners,
  // after this runner's own claim, which would otherwise lose it to its own long-poll.
  if (recorded.includes(true)) nudge();
  return Response.json({ recorded: several ? recorded : recorded[0], jobs, leaseMs: runnerLeaseMs() });
});
