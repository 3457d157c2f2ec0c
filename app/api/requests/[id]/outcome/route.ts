import { requireAgent } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { readBody } from "@/lib/http/validate";
import { outcomeSchema, recordOutcome } from "@/lib/requests/outcome";
import { presentRequest } from "@/lib/requests/present";
import { requireVisibleRequest } from "@/lib/requests/read";

/** The agent reports how its allowed gate request went when it ran the command (gatehouse hook, PostToolUse). */
export const POST = route<{ id: string }>(async (req, ctx) => {
  const store = await getStore();
  const agent = await requireAgent(store, req);
  const outcome = await readBody(req, outcomeSchema);
  const row = await requireVisibleRequest(store, (await ctx.params).id, { kind: "agent", agent });
  return Response.json(presentRequest(await recordOutcome(store, row, agent, outcome)));
});
