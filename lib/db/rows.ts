// The rows every store reads and writes. They are the SQLite schema's types; the PostgreSQL schema
// (lib/db/postgres/schema.ts) is checked to infer the very same ones.
export type { Agent, Message, Request, RequestEvent, Rule, Runner, User, Webhook, Worker } from "./sqlite/schema";
