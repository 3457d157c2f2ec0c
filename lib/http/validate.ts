import * as z from "zod/mini";
import { safeParse, type $ZodError, type $ZodIssue, type $ZodType, type output } from "zod/v4/core";
import { badRequest, invalid, tooLarge, type Issue } from "./errors";

/** The body of a route that takes none: empty, or `{}` (anything else is a 422). */
export const emptyBody = z.strictObject({});

/** Largest request body any route accepts. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Zod's issues in the API's error shape (docs/api.md): one entry per field, with a dotted path. */
export function issuesOf(error: $ZodError): Issue[] {
  return error.issues.flatMap((i) => leaves(i)).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/**
 * A body that fits none of a union's forms: the issues of the form it came closest to (the fewest),
 * at their place in the body, rather than one "invalid input" for the whole.
 */
function leaves(issue: $ZodIssue): $ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const closest = issue.errors.reduce((best, form) => (form.length < best.length ? form : best));
  return closest.flatMap((i) => leaves({ ...i, path: [...issue.path, ...i.path] }));
}

/** Parses `value` with `schema`, or throws 422 listing every bad field. */
export function parseWith<S extends $ZodType>(schema: S, value: unknown): output<S> {
  const parsed = safeParse(schema, value);
  if (!parsed.success) throw invalid(issuesOf(parsed.error));
  return parsed.data;
}

/**
 * Reads a JSON body of at most `maxBytes` (413 beyond, checked while streaming so a huge body is
 * never buffered), 400 when it is not JSON. An empty body reads as `{}` so that routes whose body
 * is all optional accept a bare POST.
 */
export async function readJson(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw bodyTooLarge(maxBytes);
  const text = await readText(req, maxBytes);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("The body is not valid JSON.");
  }
}

/** Reads and validates a JSON body in one step. */
export async function readBody<S extends $ZodType>(req: Request, schema: S, maxBytes = MAX_BODY_BYTES) {
  return parseWith(schema, await readJson(req, maxBytes));
}

async function readText(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

function bodyTooLarge(maxBytes: number) {
  return tooLarge(`The body is over ${maxBytes / 1024} KiB.`);
}

/** Reads a query string into a plain object (the last value of a repeated key wins). */
export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
