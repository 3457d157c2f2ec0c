// Pg.tx runs a transaction again when PostgreSQL rolled it back (serialization failure, deadlock)
// or lost its connection before COMMIT, and what the first try wrote is gone, not doubled.
import { describe, expect, it } from "vitest";
import { onPostgres, usePgStore } from "../support/pg";

describe.skipIf(!onPostgres)("PostgreSQL transactions", () => {
  const store = usePgStore();
  const values = async () => (await store().pg.query<{ v: number }>(`SELECT v FROM t ORDER BY v`)).map((r) => r.v);

  it("runs again after a serialization failure, the failed try's writes rolled back", async () => {
    const { pg } = store();
    await pg.query(`CREATE TABLE t (v int)`);
    // Two SERIALIZABLE transactions each count the rows and insert count + 1: a write skew that
    // PostgreSQL must break by failing one of them with 40001. Both read before either writes.
    let tries = 0;
    let bothRead!: () => void;
    const read = new Promise<void>((resolve) => (bothRead = resolve));
    let readers = 0;
    const countAndInsert = () =>
      pg.tx(async (c) => {
        const first = ++tries <= 2;
        await c.query(`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE`);
        const [row] = await c.query<{ n: number }>(`SELECT count(*) AS n FROM t`);
        if (first && ++readers === 2) bothRead();
        if (first) await read;
        await c.query(`INSERT INTO t VALUES ($1)`, [row!.n + 1]);
      });
    await Promise.all([countAndInsert(), countAndInsert()]);
    expect(tries).toBe(3);
    expect(await values()).toEqual([1, 2]);
  });

  it("runs again when the connection is lost before COMMIT", async () => {
    const { pg } = store();
    await pg.query(`CREATE TABLE t (v int)`);
    let tries = 0;
    await pg.tx(async (c) => {
      tries++;
      await c.query(`INSERT INTO t VALUES ($1)`, [tries]);
      if (tries === 1) {
        const [self] = await c.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
        await pg.query(`SELECT pg_terminate_backend($1)`, [self!.pid]);
        await c.query(`SELECT 1`);
      }
    });
    expect(tries).toBe(2);
    expect(await values()).toEqual([2]);
  });

  it("rolls back and passes on any other error, once", async () => {
    const { pg } = store();
    await pg.query(`CREATE TABLE t (v int UNIQUE)`);
    let tries = 0;
    await expect(
      pg.tx(async (c) => {
        tries++;
        await c.query(`INSERT INTO t VALUES (1)`);
        await c.query(`INSERT INTO t VALUES (1)`);
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(tries).toBe(1);
    expect(await values()).toEqual([]);
    // The connection went back to the pool in a usable state.
    await pg.tx((c) => c.query(`INSERT INTO t VALUES (2)`));
    expect(await values()).toEqual([2]);
  });
});
