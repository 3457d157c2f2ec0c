// A web server told to stop (SIGTERM, SIGINT) waits for the requests it is answering; long-polls
// would hold it for up to a minute each. They listen here and answer at once instead.

const listeners = new Set<() => void>();
let stopping = false;
let watching = false;

/** Whether this process has been told to stop. */
export function isShuttingDown(): boolean {
  return stopping;
}

/** Calls `listener` once when this process is told to stop; returns a function that removes it. */
export function onShutdown(listener: () => void): () => void {
  if (!watching) {
    watching = true;
    const stop = () => {
      stopping = true;
      for (const l of [...listeners]) l();
    };
    // Beside the server's own handlers, which go on to close it.
    process.once("SIGTERM", stop).once("SIGINT", stop);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
