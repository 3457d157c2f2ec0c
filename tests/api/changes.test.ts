import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentByToken } from "../../lib/auth/agents";
import { submitRequest } from "../../lib/requests/submit";
import { startApi, type Api } from "./harness";

let api: Api;
beforeAll(async () => {
  api = await startApi();
}, 600_000);
afterAll(() => api?.close());

/** Reads a server-sent event stream until `count` events named `name` arrived; resolves with what it read. */
async function events(res: Response, name: string, count: number): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (text.split(`event: ${name}\n`).length - 1 < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe("GET /api/dashboard/changes", () => {
  it("needs a person's sign-in", async () => {
    expect((await api.call("GET", "/api/dashboard/changes")).status).toBe(401);
    expect((await api.call("GET", "/api/dashboard/changes", { token: api.tokens.agent })).status).toBe(403);
  });

  it("sends a change event when another process changes a request, and again for the next change", async () => {
    const res = await fetch(`${api.app.url}/api/dashboard/changes`, { headers: { authorization: `Bearer ${api.tokens.viewer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const agent = (await agentByToken(api.store, api.tokens.agent))!;
    // Written by this test process, not the web server: the server hears of it through the store.
    const submit = async () => void (await submitRequest(api.store, agent, { session: "claude-shared", command: "npm test", priority: "NORMAL", autoApprove: false }));
    const reading = events(res, "change", 2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the stream is watching
    await submit();
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the coalescing window
    await submit();
    const text = await reading;
    expect(text).toContain("retry: 2000");
    expect(text.split("event: change\n").length - 1).toBe(2);
  });
});
