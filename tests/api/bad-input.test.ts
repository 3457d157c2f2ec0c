import { afterAll, beforeAll, expect, it } from "vitest";
import { startApi, submission, type Api } from "./harness";

let api: Api;
let pendingId: string;
beforeAll(async () => {
  api = await startApi();
  pendingId = (await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command: "make target" }) })).body.id;
}, 600_000);
afterAll(() => api?.close());

const SQLISH = ["'; DROP TABLE requests; --", "\" OR 1=1 --", "x' UNION SELECT * FROM users --"];

/** Bodies for POST /api/requests that must all be refused. */
const submissions: [string, string | object][] = [
  ["an array", []],
  ["null", "null"],
  ["a number", "42"],
  ["a string", '"npm test"'],
  ["truncated JSON", '{"session":"claude-backend-api","command":"npm test"'],
  ["a command that is a number", submission({ command: 42 })],
  ["a command that is an array", submission({ command: ["npm", "test"] })],
  ["an empty command", submission({ command: "   " })],
  ["a NUL byte in the command", submission({ command: "npm test\u0000rm -rf ~" })],
  ["a NUL byte in the reason", submission({ reason: "fine\u0000" })],
  ["an unknown field", submission({ sudo: true })],
  ["a prototype-polluting field", JSON.parse('{"session":"claude-backend-api","command":"ls","__proto__":{"admin":true}}') as object],
  ["a lowercase priority", submission({ priority: "high" })],
  ["a numeric priority", submission({ priority: 4 })],
  ["timeoutSec as a string", submission({ timeoutSec: "600" })],
  ["a negative timeout", submission({ timeoutSec: -1 })],
  ["a fractional timeout", submission({ timeoutSec: 1.5 })],
  ["autoApprove as a string", submission({ autoApprove: "true" })],
  ["a relative cwd", submission({ cwd: "repo" })],
  ["a session with a tmux target", submission({ session: "claude-backend-api:0" })],
  ["a session with a prefix wildcard", submission({ session: "claude-*" })],
  ["a unicode session", submission({ session: "clаude-backend-api" })],
  ...SQLISH.map((s): [string, object] => [`SQL in the session: ${s}`, submission({ session: s })]),
  ["a huge reason", submission({ reason: "r".repeat(65 * 1024) })],
  ["a huge command", submission({ command: "c".repeat(17 * 1024) })],
  ["deeply nested JSON", "[".repeat(5000) + "]".repeat(5000)],
  ["invalid UTF-8", "\xff\xfe{}"],
];

it.each(submissions)("POST /api/requests refuses %s and writes nothing", async (_name, body) => {
  const before = await api.counts();
  const r = await api.call("POST", "/api/requests", {
    token: api.tokens.agent,
    ...(typeof body === "string" ? { raw: body, headers: { "content-type": "application/json" } } : { body }),
  });
  expect([400, 403, 413, 422]).toContain(r.status);
  expect(r.body.error.code).toMatch(/^[a-z_]+$/);
  expect(await api.counts()).toEqual(before);
});

it("unicode and SQL-ish text that is valid is stored exactly and changes nothing else", async () => {
  const before = await api.counts();
  const weird = ["echo 'héllo wörld ✓ 日本語 🚀'", ...SQLISH.map((s) => `echo ${JSON.stringify(s)}`), "printf '\\x1b[31mred\\x1b[0m'"];
  for (const command of weird) {
    const r = await api.call("POST", "/api/requests", { token: api.tokens.agent, body: submission({ command, reason: command }) });
    expect(r.status).toBe(201);
    expect(r.body.command).toBe(command);
    expect((await api.call("GET", `/api/requests/${r.body.id}`, { token: api.tokens.agent })).body.command).toBe(command);
  }
  const after = await api.counts();
  expect(after.requests).toBe(before.requests + weird.length);
  expect(after.users).toBe(before.users);
  expect(after.rules).toBe(before.rules);
});

/** Supervisor calls that must all be refused without touching anything. */
const decisions: [string, string, object | string][] = [
  ["approve with an unknown field", "approve", { comment: "ok", approve: true }],
  ["approve with remember as a string", "approve", { remember: "yes" }],
  ["approve with a comment that is an object", "approve", { comment: { text: "x" } }],
  ["approve with an array body", "approve", []],
  ["approve with a non-JSON body", "approve", "approve!"],
  ["reject without a reason", "reject", {}],
  ["reject with a blank reason", "reject", { reason: "   " }],
  ["reject with a numeric reason", "reject", { reason: 7 }],
  ["requeue with a body", "requeue", { now: true }],
];

it.each(decisions)("%s is refused and writes nothing", async (_name, action, body) => {
  const before = await api.counts();
  const r = await api.call("POST", `/api/requests/${pendingId}/${action}`, {
    token: api.tokens.alice,
    ...(typeof body === "string" ? { raw: body } : { body }),
  });
  expect([400, 422]).toContain(r.status);
  expect(await api.counts()).toEqual(before);
  expect((await api.call("GET", `/api/requests/${pendingId}`, { token: api.tokens.alice })).body.status).toBe("pending");
});

it.each([
  ["an id with SQL", `/api/requests/${encodeURIComponent("x' OR '1'='1")}/approve`],
  ["an id with a NUL byte", "/api/requests/%00/approve"],
  ["a very long id", `/api/requests/${"z".repeat(5000)}/approve`],
])("approving %s is a 404 and writes nothing", async (_name, path) => {
  const before = await api.counts();
  const r = await api.call("POST", path, { token: api.tokens.alice, body: {} });
  expect(r.status).toBe(404);
  expect(await api.counts()).toEqual(before);
});

it.each([
  ["bulk with an unknown action", "/api/requests/bulk", { action: "delete", ids: ["x"] }],
  ["bulk with ids that are numbers", "/api/requests/bulk", { action: "approve", ids: [1, 2] }],
  ["bulk with no ids", "/api/requests/bulk", { action: "approve", ids: [] }],
  ["bulk reject without a reason", "/api/requests/bulk", { action: "reject", ids: ["x"] }],
  ["a rule of an unknown kind", "/api/rules", { kind: "maybe", pattern: "x" }],
  ["a rule with an empty pattern", "/api/rules", { kind: "allow", pattern: "" }],
  ["a rule with a NUL byte", "/api/rules", { kind: "allow", pattern: "ls\u0000" }],
  ["a rule with SQL in the session", "/api/rules", { kind: "allow", pattern: "ls", session: SQLISH[0] }],
])("%s is refused and writes nothing", async (_name, path, body) => {
  const before = await api.counts();
  const r = await api.call("POST", path, { token: api.tokens.admin, body });
  expect(r.status).toBe(422);
  expect(await api.counts()).toEqual(before);
});

it.each([
  ["limit=abc"],
  ["limit=-1"],
  ["limit=100000"],
  ["status=pending;DROP"],
  ["cursor=" + "c".repeat(100)],
  ["q=" + "q".repeat(300)],
  ["unknown=1"],
])("GET /api/requests?%s is refused with 422", async (query) => {
  const r = await api.call("GET", `/api/requests?${query}`, { token: api.tokens.viewer });
  expect(r.status).toBe(422);
});

it("SQL-ish search text is only text", async () => {
  const r = await api.call("GET", `/api/requests?q=${encodeURIComponent("%' OR 1=1 --")}`, { token: api.tokens.viewer });
  expect(r.status).toBe(200);
  expect(r.body.items).toEqual([]);
  const like = await api.call("GET", `/api/requests?q=${encodeURIComponent("%")}`, { token: api.tokens.viewer });
  expect(like.body.items).toEqual([]);
});
