import type { NextConfig } from "next";

const config: NextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ["better-sqlite3"],
  poweredByHeader: false,
  // Test and benchmark builds (tests/support/next-server.ts) skip Next's own type check: `npm test`
  // runs `tsc --noEmit` over the whole project first anyway.
  typescript: { ignoreBuildErrors: process.env.GATEHOUSE_BUILD_SKIP_TYPECHECK === "1" },
};

export default config;
