// What every response tells the browser about how it may be used. The pages' Content-Security-
// Policy carries a fresh nonce per request (proxy.ts): Next marks its own inline hydration scripts
// with it, so no 'unsafe-inline' is needed for scripts.

/** On every response (next.config.ts `headers()`): no framing, no MIME sniffing, no Referer. */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  // The approve button must never sit inside someone else's page (clickjacking): frame-ancestors
  // for current browsers, X-Frame-Options for the rest.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Request ids and search texts in URLs stay here. (The dashboard posts with fetch(), whose
  // Origin header this policy does not blank, so the Origin check still sees the real origin.)
  { key: "Referrer-Policy", value: "no-referrer" },
];

/** API responses are data, never documents: they may load nothing and be framed by nobody. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** A page's policy: its own origin, and inline scripts or styles only with this request's nonce. */
export function pageCsp(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code to rebuild server stacks; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: unguessable, and fresh for every page. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
