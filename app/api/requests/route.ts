import { authenticate, requireAgent } from "@/lib/auth/principal";
import { enforceAgentRate } from "@/lib/auth/rate-limit";
import { config } from "@/lib/config";
import { getStore } from "@/lib/db/open";
import { idempotencyKeyOf } from "@/lib/http/headers";
import { route } from "@/lib/http/route";
import { parseWith, queryOf, readJson } from "@/lib/http/validate";
import { listQuerySchema, listRequests } from "@/lib/requests/list";
import { presentRequest } from "@/lib/requests/present";
import { checkCommandSize, newRequestSchema, submitRequest } from "@/lib/requests/submit";

export const dynamic = "force-dynamic";

/** An agent asks to run a command. */
export const POST = route(async (req) => {
  const store = await getStore();
  const agent = await requireAgent(store, req);
  const idempotencyKey = idempotencyKeyOf(req);
  enforceAgentRate(agent.id, config().GATEHOUSE_AGENT_RATE_PER_MIN);
  const body = await readJson(req);
  checkCommandSize(body);
  const input = parseWith(newRequestSchema, body);
  const { request, created } = await submitRequest(store, agent, input, { idempotencyKey });
  return Response.json(presentRequest(request), { status: created ? 201 : 200 });
});

/** Requests newest first, keyset-paginated; an agent sees only its own. */
export const GET = route(async (req) => {
  const store = await getStore();
  const who = await authenticate(store, req);
  const filter = parseWith(listQuerySchema, queryOf(req));
  const page = await listRequests(store, who.kind === "agent" ? { ...filter, agent: who.agent.id } : filter);
  return Response.json({ items: page.items.map(presentRequest), nextCursor: page.nextCursor });
});
