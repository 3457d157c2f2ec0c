/** One field that failed validation, as the API's `issues` list them (docs/api.md). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * The one error type of the API: a status, a snake_case code and a sentence a person can act on.
 * Library code throws it; routes turn it into a response with `toResponse()`; the dashboard's
 * fetcher turns a response back into it with `ApiError.fromBody`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }

  toResponse(): Response {
    return Response.json(this.toJSON(), { status: this.status, headers: this.headers });
  }

  /** The error an error response describes (for clients: the CLI, the dashboard's fetcher). */
  static fromBody(status: number, body: unknown): ApiError {
    const err = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
    const code = typeof err?.code === "string" ? err.code : "http_" + status;
    const message = typeof err?.message === "string" ? err.message : `The server answered ${status}.`;
    const issues = Array.isArray(err?.issues) ? (err.issues as Issue[]) : undefined;
    return new ApiError(status, code, message, issues);
  }
}

export const badRequest = (message: string) => new ApiError(400, "bad_request", message);
export const unauthorized = (message = "Sign in, or send a valid token in the Authorization header.") =>
  new ApiError(401, "unauthorized", message);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
export const tooLarge = (message: string) => new ApiError(413, "too_large", message);
export const invalid = (issues: Issue[], message = describeIssues(issues)) =>
  new ApiError(422, "invalid_request", message, issues);
export const rateLimited = (retryAfterSec: number, who = "this agent") =>
  new ApiError(
    429,
    "rate_limited",
    `Too many requests from ${who}; try again in ${retryAfterSec} s.`,
    undefined,
    { "Retry-After": String(retryAfterSec) },
  );

function describeIssues(issues: Issue[]): string {
  const first = issues[0];
  if (!first) return "The request is invalid.";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${first.path || "body"}: ${first.message}${more}`;
}
