// Response shapes the OpenAPI document shows that no lib module defines as a schema already.
import * as z from "zod/mini";
import { ROLES } from "../../auth/roles";
import { apiRequestSchema } from "../../requests/present";
import { REQUEST_STATUSES } from "../../requests/statuses";
import type { ApiError } from "../errors";

/** The body of every error response (lib/http/errors.ts `ApiError.toJSON`). */
export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    /** With 422: one entry per bad field, its path dotted. */
    issues: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
  }),
});

// The schema and ApiError's own JSON must stay one shape: this fails to compile when they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const errorShapeAgrees: Same<z.infer<typeof errorBodySchema>, ReturnType<ApiError["toJSON"]>> = true;
void errorShapeAgrees;

export const userSchema = z.strictObject({ id: z.string(), name: z.string(), role: z.enum(ROLES) });
export const agentSchema = z.strictObject({ id: z.string(), sessions: z.array(z.string()), autoApprove: z.boolean() });

/** `GET /api/auth/me`: a person or an agent. */
export const meSchema = z.union([z.strictObject({ user: userSchema }), z.strictObject({ agent: agentSchema })]);
export const loginReplySchema = z.strictObject({ user: userSchema });
export const okSchema = z.strictObject({ ok: z.literal(true) });

export const requestPageSchema = z.strictObject({ items: z.array(apiRequestSchema), nextCursor: z.nullable(z.string()) });

/** One entry of a request's audit trail (lib/requests/read.ts presentEvent). */
export const eventSchema = z.strictObject({
  id: z.int(),
  at: z.iso.datetime(),
  actor: z.string(),
  from: z.nullable(z.enum(REQUEST_STATUSES)),
  to: z.enum(REQUEST_STATUSES),
  reason: z.nullable(z.string()),
});
export const eventListSchema = z.strictObject({ items: z.array(eventSchema) });

/** `POST /api/requests/bulk`: one result per id, in the order given (lib/requests/bulk.ts BulkResult). */
export const bulkReplySchema = z.strictObject({
  results: z.array(
    z.union([
      z.strictObject({ id: z.string(), ok: z.literal(true), request: apiRequestSchema }),
      z.strictObject({ id: z.string(), ok: z.literal(false), status: z.int(), error: z.strictObject({ code: z.string(), message: z.string() }) }),
    ]),
  ),
});

/** Shapes the dashboard and operators read, documented as objects only (their fields change with the pages). */
export const objectSchema = z.looseObject({});

export const listOf = <T extends z.core.$ZodType>(item: T) => z.strictObject({ items: z.array(item) });
