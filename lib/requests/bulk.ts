import * as z from "zod";
import type { UserIdentity } from "../auth/users";
import type { Store } from "../db/store";
import { ApiError } from "../http/errors";
import { approveRequest, discardRequest, rejectRequest, requeueRequest } from "./lifecycle";
import { presentRequest, type ApiRequest } from "./present";

export const BULK_MAX_IDS = 500;

export const bulkSchema = z
  .strictObject({
    action: z.enum(["approve", "reject", "requeue", "discard"]),
    ids: z.array(z.string().min(1).max(64)).min(1).max(BULK_MAX_IDS),
    reason: z.string().trim().min(1).max(4000).optional(),
  })
  .refine((b) => b.action !== "reject" || b.reason !== undefined, { path: ["reason"], message: "a reason is required to reject" });
export type BulkInput = z.output<typeof bulkSchema>;

export type BulkResult =
  | { id: string; ok: true; request: ApiRequest }
  | { id: string; ok: false; status: number; error: { code: string; message: string } };

/**
 * One decision applied to many requests, each in its own transaction: one request that lost a race
 * (409) or does not exist (404) does not undo the others. Results come back in the order given.
 */
export async function bulkDecide(store: Store, by: UserIdentity, input: BulkInput, now = Date.now()): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const id of new Set(input.ids)) results.push(await decideOne(store, by, input, id, now));
  return results;
}

async function decideOne(store: Store, by: UserIdentity, input: BulkInput, id: string, now: number): Promise<BulkResult> {
  try {
    const row =
      input.action === "approve"
        ? await approveRequest(store, id, by, { comment: input.reason, now })
        : input.action === "reject"
          ? await rejectRequest(store, id, by, input.reason ?? "", now)
          : input.action === "requeue"
            ? await requeueRequest(store, id, by, now)
            : await discardRequest(store, id, by, now);
    return { id, ok: true, request: presentRequest(row) };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { id, ok: false, status: err.status, error: { code: err.code, message: err.message } };
  }
}
