// The two stores' schemas must describe the same tables: same columns (name, nullability, default,
// enum values, keys), same indexes (name, columns, uniqueness, partial WHERE), same foreign keys.
// Column types differ on purpose (int8 times, booleans) and are checked by the row types instead
// (lib/db/postgres/schema.ts). Compares what drizzle's getTableConfig reads from each schema.
import { Column, is, SQL, sql, StringChunk } from "drizzle-orm";
import {
  boolean,
  getTableConfig as pgConfig,
  index as pgIndex,
  integer as pgInteger,
  PgTable,
  pgTable,
  text as pgText,
  uniqueIndex as pgUniqueIndex,
} from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, index as sqliteIndex, integer, SQLiteTable, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgSchema from "@/lib/db/postgres/schema";
import * as sqliteSchema from "@/lib/db/sqlite/schema";

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** SQL text as written in the schema (index expressions and WHERE clauses are plain strings and columns). */
function render(value: SQL): string {
  return value.queryChunks
    .map((chunk) => {
      if (is(chunk, StringChunk)) return chunk.value.join("");
      if (is(chunk, Column)) return snake(chunk.name);
      if (is(chunk, SQL)) return render(chunk);
      throw new Error(`Unexpected SQL chunk ${String(chunk)}`);
    })
    .join("")
    .trim();
}

/** One index column: a name, with " DESC" when descending, whether written as SQL or as a column. */
function indexColumn(c: unknown): string {
  if (is(c, SQL)) return render(c);
  const { name, indexConfig } = c as { name: string; indexConfig?: { order?: string } };
  return snake(name) + (indexConfig?.order === "desc" ? " DESC" : "");
}

interface AnyColumn {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  default: unknown;
  primary: boolean;
  isUnique: boolean;
  enumValues: readonly string[] | undefined;
}

function columnShape(c: AnyColumn & { autoIncrement?: boolean; generatedIdentity?: unknown }) {
  return {
    name: snake(c.name),
    notNull: c.notNull,
    default: c.hasDefault ? c.default : undefined,
    primary: c.primary,
    unique: c.isUnique,
    enumValues: c.enumValues ?? null,
    autoIncrement: Boolean(c.autoIncrement) || c.generatedIdentity !== undefined,
  };
}

type Config = ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>;

/** What the two stores must agree on about a table. */
function shape(config: Config) {
  return {
    name: config.name,
    columns: (config.columns as AnyColumn[]).map(columnShape).sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: config.primaryKeys.map((k) => k.columns.map((c) => snake(c.name))),
    indexes: config.indexes
      .map((i) => ({
        name: i.config.name ?? "",
        unique: i.config.unique,
        columns: (i.config.columns as unknown[]).map(indexColumn),
        where: i.config.where ? render(i.config.where) : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return {
        columns: ref.columns.map((c) => snake(c.name)),
        table: is(ref.foreignTable, PgTable) ? pgConfig(ref.foreignTable).name : sqliteConfig(ref.foreignTable).name,
        foreignColumns: ref.foreignColumns.map((c) => snake(c.name)),
        onDelete: fk.onDelete ?? "no action",
      };
    }),
  };
}

/**
 * Indexes of one store only, and why. PostgreSQL's claim (a plpgsql function) walks
 * messages_ready, every ready message in priority order; SQLite's walks messages_ready_now and
 * reads delayed ones from messages_delayed, so a copy of messages_ready there would only slow
 * every enqueue and claim.
 */
const ONLY_IN_POSTGRES = new Set(["messages_ready"]);

const pgShape = (t: PgTable) => {
  const s = shape(pgConfig(t));
  return { ...s, indexes: s.indexes.filter((i) => !ONLY_IN_POSTGRES.has(i.name)) };
};
const sqliteShape = (t: SQLiteTable) => shape(sqliteConfig(t));

const pgTables = Object.values(pgSchema as Record<string, unknown>).filter((v): v is PgTable => is(v, PgTable));
const sqliteTables = Object.values(sqliteSchema as Record<string, unknown>).filter((v): v is SQLiteTable => is(v, SQLiteTable));

describe("the PostgreSQL and SQLite schemas", () => {
  it("have the same tables", () => {
    const names = (configs: { name: string }[]) => configs.map((c) => c.name).sort();
    expect(names(pgTables.map((t) => pgConfig(t)))).toEqual(names(sqliteTables.map((t) => sqliteConfig(t))));
  });

  for (const table of sqliteTables) {
    const { name } = sqliteConfig(table);
    it(`agree on ${name}: columns, keys, indexes and foreign keys`, () => {
      const twin = pgTables.find((t) => pgConfig(t).name === name);
      expect(twin, `no PostgreSQL table ${name}`).toBeDefined();
      expect(pgShape(twin!)).toEqual(sqliteShape(table));
    });
  }

  it("would be told apart by a column's nullability or default, enum values, or an index's columns, uniqueness or WHERE", () => {
    const lite = sqliteTable("t", { id: integer().primaryKey(), state: text({ enum: ["a", "b"] }).notNull().default("a"), n: integer() }, (t) => [
      sqliteIndex("t_state").on(t.state, sql`n DESC`).where(sql`state = 'a'`),
    ]);
    const pg = (opts: { notNull?: boolean; fallback?: "a" | "b"; states?: [string, ...string[]]; desc?: boolean; unique?: boolean; where?: string }) => {
      const state = pgText({ enum: opts.states ?? ["a", "b"] }).default(opts.fallback ?? "a");
      return pgTable("t", { id: pgInteger().primaryKey(), state: opts.notNull === false ? state : state.notNull(), n: pgInteger() }, (t) => [
        (opts.unique ? pgUniqueIndex : pgIndex)("t_state")
          .on(t.state, opts.desc === false ? t.n : t.n.desc())
          .where(sql.raw(opts.where ?? "state = 'a'")),
      ]);
    };
    expect(pgShape(pg({}))).toEqual(sqliteShape(lite));
    for (const variant of [
      pg({ notNull: false }),
      pg({ fallback: "b" }),
      pg({ states: ["a", "b", "c"] }),
      pg({ desc: false }),
      pg({ unique: true }),
      pg({ where: "state = 'b'" }),
    ]) {
      expect(pgShape(variant)).not.toEqual(sqliteShape(lite));
    }
    // booleans stand for SQLite's integer({ mode: "boolean" }) with the same default.
    expect(columnShape(pgConfig(pgTable("b", { f: boolean().notNull().default(false) })).columns[0]!).default).toBe(false);
  });
});
