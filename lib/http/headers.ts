import { badRequest } from "./errors";

/** The Idempotency-Key header: absent, or 1-200 visible ASCII characters (else 400). */
export function idempotencyKeyOf(req: Request): string | null {
  const key = req.headers.get("idempotency-key");
  if (key === null) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw badRequest("The Idempotency-Key header must be 1-200 visible ASCII characters.");
  }
  return key;
}
