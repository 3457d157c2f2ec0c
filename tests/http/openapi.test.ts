// The OpenAPI document (lib/http/openapi) against the routes themselves: every route file and
// method under app/api is in it and nothing else; each documented body and query schema is the
// very object its route validates with; over real HTTP each route takes a valid body and answers
// 422 to an invalid one; successful answers match their documented schemas; and the served
// document is the generated one, structurally OpenAPI 3.1.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeParse, type $ZodType } from "zod/v4/core";
import { createRunner } from "../../lib/auth/runners";
import { openApiDocument } from "../../lib/http/openapi/document";
import { operations, type Auth, type Operation } from "../../lib/http/openapi/routes";
import { startApi, type Api } from "../api/harness";

const ROOT = path.resolve(__dirname, "../..");
const API_DIR = path.join(ROOT, "app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

interface RouteFile {
  file: string;
  path: string;
  /** Each exported method's own source (up to the next export). */
  methods: Record<string, string>;
  source: string;
}

function routeFiles(dir = API_DIR): RouteFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    if (!/^route\.(ts|tsx|js)$/.test(e.name)) return [];
    const source = readFileSync(full, "utf8");
    const apiPath = "/" + path.relative(path.join(ROOT, "app"), dir).split(path.sep).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
    const parts = source.split(/^export (?:const|async function|function) (?=[A-Z]+\b)/m).slice(1);
    const methods: Record<string, string> = {};
    for (const part of parts) {
      const name = /^([A-Z]+)/.exec(part)![1]!;
      if (METHODS.includes(name)) methods[name] = part;
    }
    return [{ file: path.relative(ROOT, full), path: apiPath, methods, source }];
  });
}

const key = (op: Pick<Operation, "method" | "path">) => `${op.method} ${op.path}`;
const files = routeFiles();
const opOf = new Map(operations.map((op) => [key(op), op]));

/** The module and export a route file imports `name` from. */
function importOf(source: string, name: string): string {
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    const names = m[1]!.split(",").map((n) => n.trim().replace(/^type\s+/, ""));
    if (names.includes(name)) return m[2]!;
  }
  throw new Error(`${name} is not imported by name: an inline schema cannot be checked against the document`);
}

describe("the OpenAPI document", () => {
  it("has every route file's every method, and nothing else", () => {
    const inFiles = files.flatMap((f) => Object.keys(f.methods).map((m) => `${m} ${f.path}`)).sort();
    expect(inFiles.length).toBeGreaterThan(20);
    expect(operations.map(key).sort()).toEqual(inFiles);
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const inDoc = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(inDoc.sort()).toEqual(inFiles);
  });

  it("documents for each route the very body and query schemas it validates with", async () => {
    for (const f of files) {
      for (const [method, code] of Object.entries(f.methods)) {
        const op = opOf.get(`${method} ${f.path}`);
        if (!op) continue; // undocumented: the test above names it
        const bodies = [...code.matchAll(/readBody\(\s*req,\s*(\w+)/g)].map((m) => m[1]!);
        const queries: string[] = [];
        for (const m of code.matchAll(/parseWith\(\s*(\w+),\s*([^)]*)/g)) (/^queryOf\(/.test(m[2]!) ? queries : bodies).push(m[1]!);
        expect(bodies.length, `${key(op)}: bodies`).toBe(op.body ? 1 : 0);
        expect(queries.length, `${key(op)}: queries`).toBe(op.query ? 1 : 0);
        // A route that reads a body must validate it: readJson alone would leave it undocumented.
        if (/readJson\(/.test(code)) expect(bodies.length, key(op)).toBe(1);
        for (const [names, schema] of [[bodies, op.body], [queries, op.query]] as const) {
          if (!names[0]) continue;
          const mod = (await import(importOf(f.source, names[0]))) as Record<string, unknown>;
          expect(mod[names[0]] === schema, `${key(op)}: ${names[0]} is the documented schema`).toBe(true);
        }
      }
    }
  });

  it("is structurally OpenAPI 3.1: every $ref resolves, every path parameter is declared, ids are unique", () => {
    const doc = openApiDocument() as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking JSON
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Gatehouse", version: expect.any(String) });
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(5);
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(doc.components.schemas, name).toHaveProperty([name!]);
    expect(text).not.toMatch(/"\$ref":"(?!#\/components\/schemas\/)/);
    const ids: string[] = [];
    for (const [p, ops] of Object.entries<Record<string, any>>(doc.paths)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(p.startsWith("/api/")).toBe(true);
      for (const op of Object.values(ops)) {
        ids.push(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const r of Object.values<{ description?: string }>(op.responses)) expect(typeof r.description).toBe("string");
        const declared = (op.parameters ?? []).filter((x: { in: string }) => x.in === "path").map((x: { name: string }) => x.name);
        expect(declared.sort()).toEqual([...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
        for (const s of op.security) for (const scheme of Object.keys(s)) expect(doc.components.securitySchemes).toHaveProperty([scheme]);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

/** A valid body for each route that takes one (each is checked against the schema first). */
const VALID: Record<string, (ids: { request: string; created: (path: string) => string }) => unknown> = {
  "POST /api/auth/login": () => ({ name: "alice", password: "alice-password" }),
  "POST /api/requests": () => ({ session: "claude-backend-api", command: "make openapi-check", reason: "a test", priority: "HIGH" }),
  "POST /api/requests/{id}/approve": () => ({ comment: "fine", remember: false }),
  "POST /api/requests/{id}/reject": () => ({ reason: "not now" }),
  "POST /api/requests/{id}/requeue": () => ({}),
  "POST /api/requests/{id}/discard": () => ({}),
  "POST /api/requests/{id}/outcome": () => ({ exitCode: 0, outputTail: "ok\n" }),
  "POST /api/requests/bulk": ({ request }) => ({ action: "approve", ids: [request] }),
  "POST /api/rules": () => ({ kind: "deny", pattern: "openapi-test-pattern", note: "from the OpenAPI test" }),
  "DELETE /api/rules": ({ created }) => ({ id: created("/api/rules") }),
  "POST /api/webhooks": () => ({ url: "http://127.0.0.1:9/openapi-test", kind: "slack" }),
  "DELETE /api/webhooks": ({ created }) => ({ id: created("/api/webhooks") }),
  "POST /api/runner/claim": () => ({ limit: 1, wait: 0 }),
  "POST /api/runner/output": () => ({ id: 1, leaseToken: "no-such-lease", offset: 0, data: "" }),
  "POST /api/runner/report": () => ({ id: 1, leaseToken: "no-such-lease", outcome: { kind: "delivered" } }),
};
const INVALID = { __not_a_field: 1 };

describe("the routes, over HTTP, against the document", () => {
  let api: Api;
  let runnerToken: string;
  let requestId: string;
  /** What each POST made, by path, for the DELETE of the same path. */
  const made = new Map<string, string>();

  beforeAll(async () => {
    api = await startApi();
    runnerToken = (await createRunner(api.store, { id: "openapi-host", sessions: ["claude-frontend"] })).token;
    const created = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: { session: "claude-backend-api", command: "make openapi-fixture" } });
    expect(created.status).toBe(201);
    requestId = created.body.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  const tokenFor = (auth: Auth): string | undefined =>
    ({ agent: api.tokens.agent, viewer: api.tokens.viewer, supervisor: api.tokens.alice, admin: api.tokens.admin, "person-or-agent": api.tokens.agent, runner: runnerToken, operator: undefined, open: undefined })[auth];
  const urlOf = (op: Operation, query = "") => op.path.replace("{id}", requestId) + query;

  /** The body matches the schema documented for its status (strict: no undocumented field). */
  function expectDocumented(op: Operation, status: number, body: unknown) {
    const reply = op.replies[status];
    expect(reply, `${key(op)} answered ${status}, which it does not document`).toBeDefined();
    if (!reply?.schema) return;
    const parsed = safeParse(reply.schema, body);
    expect(parsed.success, `${key(op)} ${status}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }

  it("serves the generated document at /api/openapi.json, without authentication", async () => {
    const res = await api.call("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it("has a valid example for every documented body, and each is valid by its schema", () => {
    const withBody = operations.filter((op) => op.body).map(key).sort();
    expect(Object.keys(VALID).sort()).toEqual(withBody);
    for (const op of operations.filter((o) => o.body)) {
      expect(safeParse(op.body as $ZodType, VALID[key(op)]!({ request: "x", created: () => "x" })).success, key(op)).toBe(true);
      expect(safeParse(op.body as $ZodType, INVALID).success, key(op)).toBe(false);
    }
  });

  it("each route answers 422 to an invalid body or query, and takes a valid body", async () => {
    const ordered = [...operations.filter((o) => o.body || o.query)].sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
    for (const op of ordered) {
      const token = tokenFor(op.auth);
      if (op.query) {
        expect(safeParse(op.query, INVALID).success, key(op)).toBe(false);
        const bad = await api.call(op.method, urlOf(op, "?__not_a_field=1"), { token });
        expect(bad.status, `${key(op)} with a bad query: ${JSON.stringify(bad.body)}`).toBe(422);
        expect(bad.body.error.code).toBe("invalid_request");
      }
      if (!op.body) continue;
      const bad = await api.call(op.method, urlOf(op), { token, body: INVALID });
      expect(bad.status, `${key(op)} with a bad body: ${JSON.stringify(bad.body)}`).toBe(422);
      expect(bad.body.error.issues.length).toBeGreaterThan(0);
      const body = VALID[key(op)]!({
        request: requestId,
        created: (p) => {
          expect(made.get(p), `POST ${p} ran first`).toBeDefined();
          return made.get(p)!;
        },
      });
      const good = await api.call(op.method, urlOf(op), { token, body });
      // Past validation: done, or refused for the state the request is in (409), never a 4xx about the body.
      expect([400, 413, 422], `${key(op)} refused a valid body: ${JSON.stringify(good.body)}`).not.toContain(good.status);
      expect(good.status, `${key(op)}: ${JSON.stringify(good.body)}`).toBeLessThan(500);
      if (good.status < 300) expectDocumented(op, good.status, good.status === 204 ? undefined : good.body);
      if (op.method === "POST" && good.status === 201) made.set(op.path, good.body.id);
    }
  });

  it("answers each GET with the documented shape", async () => {
    for (const op of operations.filter((o) => o.method === "GET")) {
      if (op.path === "/api/dashboard/changes") continue; // an endless event stream
      const res = await api.call("GET", urlOf(op), { token: tokenFor(op.auth) });
      // A documented status (health is 503 here: no worker runs), with its documented body.
      expect(op.replies[res.status], `${key(op)} answered ${res.status}: ${JSON.stringify(res.body)}`).toBeDefined();
      if (op.replies[res.status]?.text) continue;
      expectDocumented(op, res.status, res.body);
    }
    // The request object as an agent long-polls it, and as a page of the list.
    const one = await api.call("GET", `/api/requests/${requestId}?wait=0`, { token: api.tokens.agent });
    expectDocumented(opOf.get("GET /api/requests/{id}")!, one.status, one.body);
  });

  it("answers errors in the documented error shape", async () => {
    const op = opOf.get("POST /api/requests/{id}/approve")!;
    const res = await api.call("POST", "/api/requests/nope/approve", { token: api.tokens.alice, body: {} });
    expect(res.status).toBe(404);
    const { errorBodySchema } = await import("../../lib/http/openapi/schemas");
    expect(safeParse(errorBodySchema, res.body).success).toBe(true);
    expect(op.replies[404]).toBeUndefined(); // documented as the default (error) response
  });
});
