// A stand-in for the Gatehouse server's gate-request routes, which are being built elsewhere
// (after the database refactor): just the HTTP contract of lib/hook/contract.ts, on loopback, so
// that the hook client is tested over real HTTP. It is the contract, not the server: its policy is
// two prefixes, its storage a Map. When the real routes land, tests/hook/client.test.ts should
// run against them too.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface GateRow {
  id: string;
  agentId: string;
  session: string;
  command: string;
  cwd: string | null;
  reason: string | null;
  kind: unknown;
  status: string;
  decision: { by: string; at: string; comment: string | null } | null;
  idempotencyKey: string | null;
  outcome: unknown;
}

export interface ContractServer {
  url: string;
  token: string;
  rows: GateRow[];
  /** The newest request for this command. */
  find: (command: string) => GateRow | undefined;
  /** A person's (or anyone's) decision, waking the long polls. */
  decide: (id: string, status: "allowed" | "rejected" | "expired", by: string, comment?: string) => void;
  /** Resolves once a request for this command is pending. */
  pending: (command: string) => Promise<GateRow>;
  /** Called when a cancel arrives, before it is applied (to decide first, as a race would). */
  onCancel?: (row: GateRow) => void;
  /** Submits still to refuse with 429 and Retry-After: 1 (an agent over its rate limit). */
  rateLimitNext: number;
  /** How long the answer to a submit that creates a request is held back. */
  submitDelayMs: number;
  close: () => Promise<void>;
}

const FIELDS = new Set(["session", "command", "cwd", "reason", "priority", "kind"]);
const DENY_PREFIX = "sudo ";
const ALLOW_PREFIXES = ["npm test", "ls"];

export async function startContractServer(): Promise<ContractServer> {
  const token = "gha_contract_test_token";
  const rows: GateRow[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, status: number, code: string, message: string) => send(res, status, { error: { code, message } });
  const view = (r: GateRow) => {
    const { idempotencyKey: _k, outcome: _o, kind: _kind, ...rest } = r;
    return rest;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${token}`) return fail(res, 401, "unauthorized", "Send a valid token.");
      const url = new URL(req.url ?? "/", "http://x");
      let body: Record<string, unknown> = {};
      if (chunks.length) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        } catch {
          return fail(res, 400, "bad_request", "The body is not JSON.");
        }
      }
      if (req.method === "POST" && url.pathname === "/api/requests") {
        if (api.rateLimitNext > 0) {
          api.rateLimitNext--;
          res.setHeader("retry-after", "1");
          return fail(res, 429, "rate_limited", "Too many requests from this agent; try again in 1 s.");
        }
        const unknown = Object.keys(body).filter((k) => !FIELDS.has(k));
        if (unknown.length || typeof body.session !== "string" || typeof body.command !== "string") {
          return fail(res, 422, "invalid_request", `invalid fields: ${unknown.join(", ") || "session/command"}`);
        }
        const key = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
        const again = key === null ? undefined : rows.find((r) => r.idempotencyKey === key);
        if (again) return send(res, 200, view(again));
        const command = body.command;
        const row: GateRow = {
          id: `R${rows.length + 1}`,
          agentId: "backend-api",
          session: body.session,
          command,
          cwd: typeof body.cwd === "string" ? body.cwd : null,
          reason: typeof body.reason === "string" ? body.reason : null,
          kind: body.kind,
          status: "pending",
          decision: null,
          idempotencyKey: key,
          outcome: undefined,
        };
        const at = new Date().toISOString();
        if (command.startsWith(DENY_PREFIX)) {
          row.status = "rejected";
          row.decision = { by: "policy:default-deny", at, comment: "sudo is never run by agents" };
        } else if (ALLOW_PREFIXES.some((p) => command.startsWith(p))) {
          row.status = "allowed";
          row.decision = { by: "policy:allow-safe", at, comment: null };
        }
        rows.push(row);
        wake();
        if (api.submitDelayMs > 0) return void setTimeout(() => send(res, 201, view(row)), api.submitDelayMs);
        return send(res, 201, view(row));
      }
      const m = /^\/api\/requests\/([^/]+)(\/cancel|\/outcome)?$/.exec(url.pathname);
      const row = m ? rows.find((r) => r.id === decodeURIComponent(m[1] ?? "")) : undefined;
      if (!m || !row) return fail(res, 404, "not_found", "No such request.");
      if (req.method === "GET" && !m[2]) {
        const wait = Math.min(Number(url.searchParams.get("wait") ?? 0), 60);
        const seen = row.status;
        if (wait <= 0 || seen !== "pending") return send(res, 200, view(row));
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          send(res, 200, view(row));
        };
        const check = () => {
          if (row.status !== seen) done();
        };
        const timer = setTimeout(done, wait * 1000);
        waiters.add(check);
        res.on("close", () => {
          clearTimeout(timer);
          waiters.delete(check);
        });
        return;
      }
      if (req.method === "POST" && m[2] === "/cancel") {
        api.onCancel?.(row);
        if (row.status !== "pending") return fail(res, 409, "conflict", `The request is ${row.status}.`);
        row.status = "cancelled";
        wake();
        return send(res, 200, view(row));
      }
      if (req.method === "POST" && m[2] === "/outcome") {
        if (row.status !== "allowed") return fail(res, 409, "conflict", `The request is ${row.status}.`);
        row.outcome = body;
        return send(res, 200, view(row));
      }
      return fail(res, 404, "not_found", "No such route.");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const api: ContractServer = {
    url: `http://127.0.0.1:${port}`,
    token,
    rows,
    rateLimitNext: 0,
    submitDelayMs: 0,
    find: (command) => rows.findLast((r) => r.command === command),
    decide(id, status, by, comment) {
      const row = rows.find((r) => r.id === id);
      if (!row) throw new Error(`no request ${id}`);
      row.status = status;
      row.decision = { by, at: new Date().toISOString(), comment: comment ?? null };
      wake();
    },
    async pending(command) {
      for (let i = 0; i < 400; i++) {
        const row = rows.findLast((r) => r.command === command && r.status === "pending");
        if (row) return row;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no pending request for ${command}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
