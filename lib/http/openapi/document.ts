// The OpenAPI 3.1 document, generated from the route registry (./routes.ts) with zod's own
// z.toJSONSchema: the schemas shown are the very objects the routes validate with.
import * as z from "zod";
import { safeParse, type $ZodType } from "zod/v4/core";
import { SESSION_COOKIE } from "../../auth/web-sessions";
import { apiRequestSchema } from "../../requests/present";
import { apiRuleSchema } from "../../requests/rules";
import { emptyBody } from "../validate";
import { operations, type Auth, type Operation } from "./routes";
import { errorBodySchema, objectSchema, requestPageSchema } from "./schemas";

type Json = Record<string, unknown>;

/** Schemas shown under a name of their own; the others are named after their operation. */
const NAMED = new Map<$ZodType, string>([
  [apiRequestSchema, "Request"],
  [requestPageSchema, "RequestPage"],
  [apiRuleSchema, "Rule"],
  [errorBodySchema, "Error"],
  [emptyBody, "EmptyBody"],
  [objectSchema, "Object"],
]);

const SECURITY_SCHEMES = {
  agentToken: { type: "http", scheme: "bearer", description: "An agent's token (`gatehouse agent add`)." },
  userToken: { type: "http", scheme: "bearer", description: "A person's API token (`gatehouse user token`)." },
  sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "A person's session, from POST /api/auth/login." },
  runnerToken: { type: "http", scheme: "bearer", description: "A runner's token." },
  metricsToken: { type: "http", scheme: "bearer", description: "GATEHOUSE_METRICS_TOKEN; not needed while Gatehouse listens on loopback only." },
};

const person = [{ sessionCookie: [] }, { userToken: [] }];
const SECURITY: Record<Auth, Json[]> = {
  agent: [{ agentToken: [] }],
  viewer: person,
  supervisor: person,
  admin: person,
  "person-or-agent": [...person, { agentToken: [] }],
  runner: [{ runnerToken: [] }],
  operator: [{}, { metricsToken: [] }],
  open: [],
};

const AUTH_TEXT: Record<Auth, string> = {
  agent: "an agent.",
  viewer: "a signed-in person (any role).",
  supervisor: "a person with the supervisor role or above.",
  admin: "an admin.",
  "person-or-agent": "a person, or an agent (which sees only its own requests).",
  runner: "a runner.",
  operator: "open on loopback; beyond it, the metrics token (else 403).",
  open: "anyone: no authentication.",
};

/** `getRequestsByIdApprove` for `POST /api/requests/{id}/approve`. */
export function operationId(op: Pick<Operation, "method" | "path">): string {
  const words = op.path
    .replace(/^\/api\//, "")
    .split(/[/.-]/)
    .map((w) => (w.startsWith("{") ? "by-" + w.slice(1, -1) : w))
    .flatMap((w) => w.split("-"));
  return op.method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** JSON Schema of what a caller sends (io: "input": defaults make a field optional). */
function jsonSchema(schema: $ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

function queryParameters(schema: $ZodType): Json[] {
  const js = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return { name, in: "query", required: js.required?.includes(name) ?? false, schema: rest, ...(description ? { description } : {}) };
  });
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
}

function build(): Json {
  const registry = z.registry<{ id: string }>();
  const names = new Map(NAMED);
  const nameOf = (schema: $ZodType, fallback: string) => {
    let name = names.get(schema);
    if (!name) names.set(schema, (name = fallback));
    return name;
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    const id = operationId(op);
    const responses: Record<string, Json> = {};
    for (const [status, reply] of Object.entries(op.replies)) {
      const content = reply.schema
        ? { "application/json": { schema: ref(nameOf(reply.schema, `${pascal(id)}Reply${status === "200" ? "" : status}`)) } }
        : reply.text
          ? { [reply.text]: { schema: { type: "string" } } }
          : undefined;
      responses[status] = { description: reply.description, ...(content ? { content } : {}) };
    }
    const error = { "application/json": { schema: ref("Error") } };
    if (op.body || op.query) responses["422"] = { description: "A field is invalid: `issues` lists each.", content: error };
    responses.default = { description: "An error (400, 401, 403, 404, 409, 413, 429…).", content: error };

    const parameters = [...pathParameters(op.path), ...(op.query ? queryParameters(op.query) : [])];
    // readJson reads an empty body as {}: a body is optional when {} is valid, or the query may say it all.
    const bodyRequired = op.body !== undefined && !op.query && !safeParse(op.body, {}).success;
    paths[op.path] ??= {};
    paths[op.path]![op.method.toLowerCase()] = {
      operationId: id,
      summary: op.summary,
      description: `Who may call it: ${AUTH_TEXT[op.auth]}`,
      "x-gatehouse-auth": op.auth,
      security: SECURITY[op.auth],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: bodyRequired, content: { "application/json": { schema: ref(nameOf(op.body, `${pascal(id)}Body`)) } } } }
        : {}),
      responses,
    };
  }

  for (const [schema, id] of names) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io: "input", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  const schemas = Object.fromEntries(
    Object.entries(generated.schemas).map(([name, { $schema: _s, $id: _i, ...rest }]) => [name, rest]),
  );

  return {
    openapi: "3.1.0",
    info: {
      title: "Gatehouse",
      version: "1",
      description: "Approval gate and durable work queue for AI coding agents in tmux sessions. Errors are `{\"error\": {code, message, issues?}}`.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

let cached: Json | undefined;

/** The document served at GET /api/openapi.json. */
export function openApiDocument(): Json {
  return (cached ??= build());
}
