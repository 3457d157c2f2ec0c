import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "./e2e",
  // Builds the app, starts it with the worker on a temp database and a private tmux server.
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    viewport: { width: 1366, height: 900 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
    },
  },
});
