import type { NextConfig } from "next";
import { API_CSP, SECURITY_HEADERS } from "./lib/http/security-headers";

const config: NextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ["better-sqlite3"],
  poweredByHeader: false,
  // Test and benchmark builds (tests/support/next-server.ts) skip Next's own type check: `npm test`
  // runs `tsc --noEmit` over the whole project first anyway.
  typescript: { ignoreBuildErrors: process.env.GATEHOUSE_BUILD_SKIP_TYPECHECK === "1" },
  // Pages get their Content-Security-Policy, with a nonce, from proxy.ts.
  headers: async () => [
    { source: "/:path*", headers: [...SECURITY_HEADERS] },
    { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
  ],
};

export default config;
