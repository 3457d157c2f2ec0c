// A web server told to stop (SIGTERM, SIGINT) waits for the requests it is answering and for the
// connections clients keep open; long-polls would hold it for up to a minute each. They listen
// here and answer at once instead, and every answer from then on closes its connection.

interface ShutdownState {
  stopping: boolean;
  watching: boolean;
  listeners: Set<() => void>;
}

/**
 * One state per process: Next bundles this module into several route chunks, and each copy must
 * see the signal, whichever of them was asked first.
 */
const KEY = Symbol.for("gatehouse.shutdown");
const state: ShutdownState = ((globalThis as { [KEY]?: ShutdownState })[KEY] ??= { stopping: false, watching: false, listeners: new Set() });

/**
 * Watches for the signals from the first question on, not at import: a process that never asks
 * (the CLI, which imports some of the same modules) keeps SIGTERM's default, which is to exit.
 */
function watch(): ShutdownState {
  if (!state.watching) {
    state.watching = true;
    const stop = () => {
      state.stopping = true;
      for (const l of [...state.listeners]) l();
    };
    // Beside the server's own handlers, which go on to close it.
    process.once("SIGTERM", stop).once("SIGINT", stop);
  }
  return state;
}

/** Whether this process has been told to stop (since it first asked). */
export function isShuttingDown(): boolean {
  return watch().stopping;
}

/** Calls `listener` once when this process is told to stop; returns a function that removes it. */
export function onShutdown(listener: () => void): () => void {
  watch().listeners.add(listener);
  return () => state.listeners.delete(listener);
}
