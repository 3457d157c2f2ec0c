import { forbidden } from "./errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard for cookie sessions: a mutating call must come from a page of
 * this same site, which browsers prove with the Origin header. Bearer-token calls need no check
 * (a browser never attaches them on its own).
 */
export function checkSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  if (!origin) throw forbidden("This change needs an Origin header from the Gatehouse dashboard.");
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw forbidden("The Origin header is not a URL.");
  }
  if (!host || originHost !== host) {
    throw forbidden(`Changes are accepted only from the Gatehouse dashboard itself, not from ${origin}.`);
  }
}

/** Was the request made over HTTPS (directly or behind a proxy)? Cookies are then `Secure`. */
export function isSecure(req: Request): boolean {
  return req.headers.get("x-forwarded-proto") === "https" || new URL(req.url).protocol === "https:";
}
