// The bodies and queries of the request routes that only the web server parses. Apart from
// lifecycle.ts and read.ts, which the worker also loads: their classic zod would add ~3 MB to every
// worker process (tests/worker/bundle.test.ts keeps it out).
import * as z from "zod";

/** The body of `POST /api/requests/:id/approve`. */
export const approveSchema = z.strictObject({ comment: z.string().max(4000).optional(), remember: z.boolean().optional() });

/** The body of `POST /api/requests/:id/reject`. */
export const rejectSchema = z.strictObject({ reason: z.string().trim().min(1, "a reason is required").max(4000) });

/** The query of `GET /api/requests/:id`: `?wait=N`, at most 60 s. */
export const waitQuerySchema = z.strictObject({ wait: z.coerce.number().min(0).max(60).optional() });
