// The runner's HTTP client against a server that accepted the connection and never answers (a
// partition, a host gone): each call fails in time, as "cannot be reached", and the runner tries
// again instead of waiting on a dead connection.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunnerClient, ServerError } from "../../lib/runner/client";

describe("the runner's client", () => {
  let silent: Server;
  let url: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (!address || typeof address === "string") throw new Error("no port");
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("gives up on a heartbeat or a report the server leaves unanswered", async () => {
    const client = new RunnerClient(url, "ghr_token", 300);
    const started = Date.now();
    await expect(client.heartbeat()).rejects.toMatchObject({ name: "ServerError", status: 0, message: expect.stringMatching(/no answer/) });
    await expect(client.report([{ id: 1, leaseToken: "t", outcome: { kind: "delivered" } }])).rejects.toBeInstanceOf(ServerError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("lets a claim's answer take its long-poll wait, and no longer", async () => {
    const client = new RunnerClient(url, "ghr_token", 300);
    const started = Date.now();
    await expect(client.claim(1, 1, new AbortController().signal)).rejects.toMatchObject({ status: 0 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_200);
    expect(took).toBeLessThan(6_000);
  });
});
