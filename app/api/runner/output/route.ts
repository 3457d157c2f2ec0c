import { requireRunner } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { outputBody } from "@/lib/runners/protocol";
import { recordOutput } from "@/lib/runners/reports";

export const dynamic = "force-dynamic";

/** Live output of a command a runner runs, for the request page. */
export const POST = route(async (req) => {
  const store = await getStore();
  const runner = await requireRunner(store, req);
  const { id, leaseToken, offset, data } = await readBody(req, outputBody, 512 * 1024);
  await recordOutput(store, runner, { id, leaseToken }, offset, Buffer.from(data, "base64"));
  return new Response(null, { status: 204 });
});
