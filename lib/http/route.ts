import { isShuttingDown } from "../shutdown";
import { ApiError } from "./errors";

/** What Next passes a dynamic route handler as its second argument. */
export interface RouteContext<P extends Record<string, string> = Record<string, string>> {
  params: Promise<P>;
}

/**
 * Wraps a route handler so that an ApiError becomes its response and anything else a logged 500
 * that reveals nothing about the server's internals.
 */
export function route<P extends Record<string, string>>(
  handler: (req: Request, ctx: RouteContext<P>) => Promise<Response> | Response,
): (req: Request, ctx: RouteContext<P>) => Promise<Response> {
  return async (req, ctx) => {
    const res = await answer(handler, req, ctx);
    // A stopping server waits for its open connections to close; a client that keeps one alive
    // (a runner's calls, a dashboard's refreshes) would hold it until the client happens to pause.
    if (isShuttingDown()) res.headers.set("connection", "close");
    return res;
  };
}

async function answer<P extends Record<string, string>>(
  handler: (req: Request, ctx: RouteContext<P>) => Promise<Response> | Response,
  req: Request,
  ctx: RouteContext<P>,
): Promise<Response> {
  try {
    return await handler(req, ctx);
  } catch (err) {
    if (err instanceof ApiError) return err.toResponse();
    console.error(`gatehouse: ${req.method} ${new URL(req.url).pathname} failed:`, err);
    return new ApiError(500, "internal", "Something went wrong on the server; its log says what.").toResponse();
  }
}
