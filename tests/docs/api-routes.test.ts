import { describe, expect, it } from "vitest";
import { apiRoutes, page, read, rel, userPages } from "./docs-files";

/** Every `METHOD /api/…` the page names, as [method, path] (query strings and `[…]` options cut off). */
function documentedRoutes(markdown: string): [string, string][] {
  return [...markdown.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/api\/[^\s`?[]*)/g)].map((m) => [m[1]!, m[2]!.replace(/\/$/, "")]);
}

/** A path parameter as pages write it: `:id`, `{id}`, or a placeholder in capitals (`NAME`). */
const isParam = (segment: string) => /^(:\w+|\{\w+\}|[A-Z][A-Z_]*)$/.test(segment);

/** Does a documented path name this route's path (parameters match parameters)? */
function samePath(documented: string, route: string): boolean {
  const a = documented.split("/");
  const b = route.split("/");
  return a.length === b.length && a.every((s, i) => s === b[i] || (isParam(s) && isParam(b[i]!)));
}

describe("docs/api.md", () => {
  const api = page("api.md");
  const routes = apiRoutes();
  const documented = documentedRoutes(api);

  it("finds the route files", () => {
    expect(routes.map((r) => r.path)).toContain("/api/requests/:id/approve");
    expect(routes.every((r) => r.methods.length > 0)).toBe(true);
  });

  it.each(routes.map((r) => [rel(r.file), r] as const))("documents every method of %s", (_, r) => {
    for (const method of r.methods) {
      expect(documented.some(([m, p]) => m === method && p === r.path), `${method} ${r.path}`).toBe(true);
    }
  });

  it("names, on any page, no route that does not exist", () => {
    const unknown = userPages().flatMap((file) =>
      documentedRoutes(read(file))
        .filter(([m, p]) => !routes.some((r) => samePath(p, r.path) && r.methods.includes(m)))
        .map(([m, p]) => `${rel(file)}: ${m} ${p}`),
    );
    expect(unknown).toEqual([]);
  });

  it("lists every field of a new request's body and every query parameter of the list", async () => {
    const { newRequestSchema } = await import("@/lib/requests/submit");
    const { listQuerySchema } = await import("@/lib/requests/list");
    for (const field of Object.keys(newRequestSchema.shape)) expect(api, field).toContain(`| \`${field}\` |`);
    for (const param of Object.keys(listQuerySchema.shape)) expect(api, param).toMatch(new RegExp(`GET /api/requests\\?[^\`]*\\b${param}=`));
  });

  it("lists every error status the API's error helpers use", async () => {
    const errors = await import("@/lib/http/errors");
    const made = [
      errors.badRequest("x"),
      errors.unauthorized(),
      errors.forbidden("x"),
      errors.notFound("x"),
      errors.conflict("x"),
      errors.tooLarge("x"),
      errors.invalid([]),
      errors.rateLimited(1),
    ];
    for (const e of made) expect(api, `${e.status} ${e.code}`).toContain(`| ${e.status} | \`${e.code}\` |`);
  });
});
