import { open } from "node:fs/promises";
import type { Lease } from "../db/store";
import type { RunnerClient } from "./client";

/** How often a running command's new output is sent. */
const EVERY_MS = 300;
/** Most bytes in one post. */
const CHUNK = 64 * 1024;

/**
 * Sends a running command's output file to the server as it grows, up to `capBytes` (the final
 * report carries the capped output; this is only what the request page shows meanwhile). A failed
 * post is tried again at the next tick from the same offset. Returns a function that stops it.
 */
export function streamOutput(client: RunnerClient, lease: Lease, file: string, capBytes: number): () => void {
  let sent = 0;
  let busy = false;
  const tick = async () => {
    if (busy || sent >= capBytes) return;
    busy = true;
    try {
      const fh = await open(file, "r");
      try {
        const size = Math.min((await fh.stat()).size, capBytes);
        if (size > sent) {
          const buf = Buffer.alloc(Math.min(size - sent, CHUNK));
          const { bytesRead } = await fh.read(buf, 0, buf.length, sent);
          await client.output(lease, sent, buf.subarray(0, bytesRead));
          sent += bytesRead;
        }
      } finally {
        await fh.close();
      }
    } catch {
      // No output yet, or the server is away: the next tick tries again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), EVERY_MS);
  return () => clearInterval(timer);
}
