import { requireRunner } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { runnerLeaseMs, waitForJobs } from "@/lib/runners/hand-out";
import { claimBody } from "@/lib/runners/protocol";

export const dynamic = "force-dynamic";

/** A runner's long-poll for its sessions' commands and notices: answers with jobs as soon as there are any. */
export const POST = route(async (req) => {
  const store = await getStore();
  const runner = await requireRunner(store, req);
  const { limit, wait } = await readBody(req, claimBody);
  const jobs = await waitForJobs(store, runner, { limit, waitMs: wait * 1000, signal: req.signal });
  return Response.json({ jobs, leaseMs: runnerLeaseMs() });
});
