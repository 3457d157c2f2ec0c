import pg from "pg";

/**
 * A statement: its text, or its text and a name under which each connection prepares it once
 * (parsed and planned once, not at every call: for the hottest statements, whose text never varies).
 */
export type Statement = string | { name: string; text: string };

/** What a statement runs on: the pool (autocommit) or one transaction's connection. */
export interface PgTx {
  query<R = Record<string, unknown>>(statement: Statement, params?: unknown[]): Promise<R[]>;
}

export interface Pg extends PgTx {
  readonly pool: pg.Pool;
  /** The connection URL as given (it may hold a password: never log it). */
  readonly url: string;
  /**
   * Runs `fn` in BEGIN … COMMIT on one pooled connection, rolling back when it throws. The whole of
   * `fn` runs again when PostgreSQL rolled the transaction back on a serialization failure or a
   * deadlock (40001, 40P01), or when the connection was lost before COMMIT was sent; never when
   * it was lost after (the commit may have happened). So `fn` must only touch the database.
   */
  tx<T>(fn: (c: PgTx) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with each NOTIFY payload on `channel`, on one connection kept for listening
   * that reconnects when lost; after a reconnection every handler is called once with "" (what was
   * sent meanwhile is gone). Resolves once LISTEN is in force; resolves to a function that stops.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Ends the listening connection and the pool. */
  close(): Promise<void>;
}

export interface PgOptions {
  /** Connections in the pool (GATEHOUSE_PG_POOL_SIZE). */
  poolSize: number;
  /** Longest a statement may run, in ms; 0 for no limit (GATEHOUSE_PG_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
}

const INT8 = 20;

/** int8 as a JavaScript number: ids, counts and ms times all stay below 2^53. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 ${text} is beyond the integers a JavaScript number holds exactly`);
  return n;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary" ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Connection settings shared by the pool and the listening connection. */
export function clientConfig(url: string, opts: PgOptions): pg.ClientConfig {
  return {
    connectionString: url,
    types,
    statement_timeout: opts.statementTimeoutMs,
    // A transaction left open by a process that hangs must not hold its row locks for ever.
    idle_in_transaction_session_timeout: opts.statementTimeoutMs,
    connectionTimeoutMillis: opts.statementTimeoutMs || 30_000,
    keepAlive: true,
    // Short OLTP statements only: JIT compiling one (which the planner may choose for a claim over
    // a large backlog) costs a couple of hundred ms, far more than running it.
    options: "-c jit=off",
  };
}

const RETRIED_CODES = new Set(["40001", "40P01"]);
/** Tries of one transaction before the error reaches the caller. */
const TX_TRIES = 8;

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The connection is gone (or never came): nothing of an uncommitted transaction was kept. */
export function isConnectionError(err: unknown): boolean {
  const code = codeOf(err);
  if (code !== undefined) {
    // 08: connection exception; 57P01-03: the server is shutting down or starting; E…: the
    // socket's own errors (ECONNRESET, ECONNREFUSED, EPIPE).
    return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code.startsWith("E");
  }
  const message = err instanceof Error ? err.message : "";
  // Not pg's "timeout exceeded when trying to connect": that is a pool with every connection busy,
  // which running the transaction again would only make busier.
  return /Connection terminated|connection error|not queryable/i.test(message);
}

/**
 * Runs `fn` on one pooled connection held throughout, then gives it back, or destroys it when it
 * broke or `fn` called `discard` (its session state is in doubt).
 */
export async function withConnection<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient, discard: () => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  const discard = () => void (broken = true);
  // A checked-out connection's socket error is emitted on it, where the pool no longer listens:
  // unhandled, it would end the process. The query in flight rejects with it anyway.
  client.on("error", discard);
  try {
    return await fn(client, discard);
  } catch (err) {
    if (isConnectionError(err)) broken = true;
    throw err;
  } finally {
    client.off("error", discard);
    client.release(broken);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Opens a pool on `url` (connections are made on first use). */
export function connectPg(url: string, opts: PgOptions): Pg {
  const config = clientConfig(url, opts);
  const pool = new pg.Pool({ ...config, max: opts.poolSize });
  // An idle connection the server closed (restart, failover) emits here; the pool drops it and
  // makes a new one on demand. Unhandled, the event would end the process.
  pool.on("error", () => {});
  const listener = new Listener(config);

  const query = async <R>(c: pg.Pool | pg.PoolClient, statement: Statement, params?: unknown[]): Promise<R[]> =>
    (await c.query(statement, params)).rows as R[];

  /** One try of a transaction: its value, or the error after which it may run again. */
  async function once<T>(fn: (c: PgTx) => Promise<T>): Promise<{ value: T } | { retry: unknown }> {
    let commitSent = false;
    try {
      const value = await withConnection(pool, async (client, discard) => {
        await client.query("BEGIN");
        try {
          const result = await fn({ query: (text, params) => query(client, text, params) });
          commitSent = true;
          await client.query("COMMIT");
          return result;
        } catch (err) {
          // After a failed COMMIT the transaction is over already; before, it must be ended here.
          if (!commitSent) await client.query("ROLLBACK").catch(discard);
          throw err;
        }
      });
      return { value };
    } catch (err) {
      // A serialization failure or deadlock, even in answer to COMMIT, means PostgreSQL rolled back.
      if (RETRIED_CODES.has(codeOf(err) ?? "") || (isConnectionError(err) && !commitSent)) return { retry: err };
      throw err;
    }
  }

  return {
    pool,
    url,
    query: (text, params) => query(pool, text, params),
    async tx(fn) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await once(fn);
        if ("value" in outcome) return outcome.value;
        if (attempt >= TX_TRIES) throw outcome.retry;
        // Jittered and growing: two transactions that deadlocked must not meet again at once.
        await sleep(Math.random() * 5 * 2 ** attempt);
      }
    },
    listen: (channel, onNotify) => listener.add(channel, onNotify),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * The LISTEN connection of one Pg: outside the pool (a pooled connection would be handed to
 * queries), one for every channel, made again with backoff whenever it is lost.
 */
class Listener {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  async add(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    // Channels are our own constants, but LISTEN takes no parameter: refuse anything to quote.
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Bad channel name "${channel}"`);
    if (this.closed) throw new Error("The PostgreSQL connection is closed");
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(onNotify);
    const stop = () => this.remove(channel, onNotify);
    try {
      // LISTEN twice is harmless: simpler than tracking which channels a new connection has.
      await (await this.connected()).query(`LISTEN ${channel}`);
    } catch (err) {
      // Not listening: the caller may try again, and must not leave a handler behind each time.
      await stop();
      throw err;
    }
    return stop;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    await this.drop();
  }

  private async remove(channel: string, onNotify: (payload: string) => void): Promise<void> {
    const set = this.handlers.get(channel);
    if (!set?.delete(onNotify) || set.size > 0) return;
    this.handlers.delete(channel);
    if (this.handlers.size === 0) await this.drop();
    else await this.client?.query(`UNLISTEN ${channel}`).catch(() => {});
  }

  private async drop(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private connected(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on("notification", (n) => {
      for (const handler of this.handlers.get(n.channel) ?? []) handler(n.payload ?? "");
    });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    this.client = client;
    return client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    for (let delay = 50; !this.closed && this.handlers.size > 0; delay = Math.min(delay * 2, 5_000)) {
      await sleep(delay);
      try {
        await this.connected();
      } catch {
        continue;
      }
      // Notifications sent while we were away are lost: tell every handler to look for itself.
      for (const set of this.handlers.values()) for (const handler of set) handler("");
      return;
    }
  }
}
