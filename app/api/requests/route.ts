import { authenticate, requireAgent } from "@/lib/auth/principal";
import { enforceAgentRate } from "@/lib/auth/rate-limit";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { idempotencyKeyOf } from "@/lib/http/headers";
import { route } from "@/lib/http/route";
import { parseWith, queryOf, readJson } from "@/lib/http/validate";
import { listQuerySchema, listRequests } from "@/lib/requests/list";
import { presentRequest } from "@/lib/requests/present";
import { checkCommandSize, newRequestSchema, submitRequest } from "@/lib/requests/submit";

export const dynamic = "force-dynamic";

/** An agent asks to run a command. */
export const POST = route(async (req) => {
  const db = getDb();
  const agent = requireAgent(db, req);
  const idempotencyKey = idempotencyKeyOf(req);
  enforceAgentRate(agent.id, config().GATEHOUSE_AGENT_RATE_PER_MIN);
  const body = await readJson(req);
  checkCommandSize(body);
  const input = parseWith(newRequestSchema, body);
  const { request, created } = submitRequest(db, agent, input, { idempotencyKey });
  return Response.json(presentRequest(request), { status: created ? 201 : 200 });
});

/** Requests newest first, keyset-paginated; an agent sees only its own. */
export const GET = route((req) => {
  const db = getDb();
  const who = authenticate(db, req);
  const filter = parseWith(listQuerySchema, queryOf(req));
  const page = listRequests(db, who.kind === "agent" ? { ...filter, agent: who.agent.id } : filter);
  return Response.json({ items: page.items.map(presentRequest), nextCursor: page.nextCursor });
});
