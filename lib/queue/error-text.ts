// Its own module so that the worker's supervisor can log errors without loading the queue (and
// with it SQLite, drizzle and zod).

/** How an error is kept on the message: its stack when it has one, cut to a readable size. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > 8_000 ? `${text.slice(0, 8_000)}…` : text;
}
