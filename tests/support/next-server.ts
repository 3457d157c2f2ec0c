// The real web app for tests and benchmarks: `next build` once (when the sources are newer than
// the build), then `next start` on a free port with the caller's environment (a temp GATEHOUSE_DB).
// Builds are serialised across processes with a lock directory, since helpers, test files and
// Playwright may all want one at the same moment and two builds into one .next corrupt it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIsFresh } from "../../scripts/web-build";

// import.meta.url, not __dirname: Playwright loads this file as an ES module.
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const LOCK = "/tmp/gatehouse-next-build.lock";

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Builds the app unless the current build is newer than every source file. */
export async function ensureBuild(): Promise<void> {
  for (;;) {
    if (buildIsFresh(ROOT) && !existsSync(LOCK)) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // Someone else is building; a lock older than 15 minutes belongs to a dead builder.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 15 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      await sleep(1000);
      continue;
    }
    try {
      if (buildIsFresh(ROOT)) return;
      const built = spawnSync(process.execPath, [NEXT_BIN, "build"], {
        cwd: ROOT,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", GATEHOUSE_BUILD_SKIP_TYPECHECK: "1" },
        encoding: "utf8",
      });
      if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningApp {
  url: string;
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts `next start` on `port` (default: a free one); resolves once it answers HTTP. */
export async function startApp(env: Record<string, string>, port?: number): Promise<RunningApp> {
  port ??= await freePort();
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return; // already gone (killed by a test)
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      await fetch(`${url}/api/auth/me`);
      return { url, port, child, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`next start did not answer within 60 s:\n${log}`);
      }
      await sleep(100);
    }
  }
}
