import { config } from "../config";
import { forbidden } from "./errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether to believe X-Forwarded-Proto and X-Forwarded-Host. (Default: GATEHOUSE_TRUST_PROXY) */
export interface ProxyTrust {
  trustProxy?: boolean;
}

/**
 * The first value of a forwarded header. Anyone can send these headers; only a proxy in front of
 * Gatehouse that sets them (and drops the client's own) makes them true, which is what
 * GATEHOUSE_TRUST_PROXY declares. (Next also builds `req.url`'s scheme from X-Forwarded-Proto, so
 * the URL is no evidence either.)
 */
function forwarded(req: Request, name: string, opts: ProxyTrust): string | null {
  if (!(opts.trustProxy ?? config().GATEHOUSE_TRUST_PROXY)) return null;
  const value = req.headers.get(name)?.split(",")[0]?.trim().toLowerCase();
  return value || null;
}

/**
 * Cross-site request forgery guard for cookie sessions: a mutating call must come from a page of
 * this same site, which browsers prove with the Origin header. Bearer-token calls need no check
 * (a browser never attaches them on its own). Behind a trusted proxy, the site is the one the
 * proxy forwards (scheme and host); otherwise the Host header's.
 */
export function checkSameOrigin(req: Request, opts: ProxyTrust = {}): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  if (!origin) throw forbidden("This change needs an Origin header from the Gatehouse dashboard.");
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    throw forbidden("The Origin header is not a URL.");
  }
  const host = forwarded(req, "x-forwarded-host", opts) ?? req.headers.get("host");
  const proto = forwarded(req, "x-forwarded-proto", opts);
  if (!host || from.host !== host || (proto !== null && from.protocol !== `${proto}:`)) {
    throw forbidden(`Changes are accepted only from the Gatehouse dashboard itself, not from ${origin}.`);
  }
}

/** The client's address as a trusted proxy forwards it (X-Forwarded-For), or null: none is known. */
export function clientAddress(req: Request, opts: ProxyTrust = {}): string | null {
  return forwarded(req, "x-forwarded-for", opts);
}

/**
 * Did the browser reach us over HTTPS? Then cookies are `Secure`. `next start` serves plain HTTP,
 * so HTTPS means a TLS proxy in front, believed only when trusted (GATEHOUSE_TRUST_PROXY).
 */
export function isSecure(req: Request, opts: ProxyTrust = {}): boolean {
  return forwarded(req, "x-forwarded-proto", opts) === "https";
}
