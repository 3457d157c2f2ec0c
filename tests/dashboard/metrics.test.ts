import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetConfig } from "../../lib/config";
import { health } from "../../lib/dashboard/health";
import { LATENCY_BOUNDS } from "../../lib/dashboard/latency-histogram";
import { prometheusMetrics } from "../../lib/dashboard/metrics";
import type { Store } from "../../lib/db/store";
import { LEASE_MS } from "../../lib/queue/lease";
import { approveRequest, markFinished, markRunning, requeueRequest } from "../../lib/requests/lifecycle";
import { FIXTURE_STATES, agent, alice, requestIn, submit } from "../requests/fixtures";
import { useTempDb } from "../support/use-temp-db";

const t = useTempDb();
let db: Store;
beforeEach(() => {
  db = t.store;
  // A socket no tmux server listens on: tmux reads as unreachable without touching anyone's server.
  process.env.GATEHOUSE_TMUX_SOCKET = `gatehouse-nobody-${process.pid}`;
  resetConfig();
});
afterEach(() => {
  delete process.env.GATEHOUSE_TMUX_SOCKET;
  resetConfig();
});

async function scrape(now = Date.now()): Promise<string> {
  return prometheusMetrics(db, await health(db, now), now);
}

/** Samples by series as written (`name{labels}`), and each family's TYPE. */
function parse(text: string): { values: Map<string, number>; types: Map<string, string> } {
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.trimEnd().split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    const v = line.slice(at + 1);
    values.set(line.slice(0, at), v === "+Inf" ? Infinity : Number(v));
  }
  return { values, types };
}

function value(text: string, series: string): number {
  const v = parse(text).values.get(series);
  if (v === undefined) throw new Error(`no sample ${series} in:\n${text}`);
  return v;
}

/** Requests in every state, one more rejected and one more approved by the policy, and a live worker. */
async function everyState(): Promise<void> {
  const a = await agent(db, "backend-api", { autoApprove: true });
  for (const state of FIXTURE_STATES) await requestIn(db, a, state);
  await submit(db, a, { command: "sudo rm -rf /tmp/x" });
  await submit(db, a, { command: "make deploy", autoApprove: true });
  // A host name with a quote and a backslash: label values must be escaped.
  await db.registerWorker({ id: "w1", host: 'build "box" \\ 1', pid: 1, queues: [], actors: ["noop"], concurrency: 15, startedAt: Date.now() - 1000 });
  await db.heartbeat("w1", { inFlight: 1, processed: 7, failed: 2 }, Date.now(), LEASE_MS);
}

describe("/api/metrics exposition", () => {
  it("passes promtool check metrics with requests in every state", async () => {
    // Debian's `prometheus` package; scripts/ensure-system-deps.sh installs it.
    expect(existsSync("/usr/bin/promtool"), "promtool is missing: apt-get install -y prometheus").toBe(true);
    await everyState();
    const text = await scrape();
    const check = spawnSync("/usr/bin/promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: "" });

    const { types } = parse(text);
    for (const [name, type] of types) {
      if (type === "counter") expect(name).toMatch(/_total$/);
      if (type === "histogram") expect(name).toMatch(/_seconds$/);
    }
    expect(types.get("gatehouse_request_decision_duration_seconds")).toBe("histogram");
    expect(types.get("gatehouse_requests_decided_total")).toBe("counter");
    expect(types.get("gatehouse_queue_messages")).toBe("gauge");
    expect(text).toContain('gatehouse_worker_up{worker="w1",host="build \\"box\\" \\\\ 1",pid="1"} 1');
  });

  it("counts what the rollups hold: submissions, statuses reached and decisions by person and policy", async () => {
    await everyState();
    const text = await scrape();
    const minutes = await db.minutes(0);
    const sum = (k: "submitted" | "queuedIn" | "started" | "succeeded" | "failed" | "dead") => minutes.reduce((n, m) => n + m[k], 0);
    const reached = (status: string) => value(text, `gatehouse_requests_reached_total{status="${status}"}`);

    expect(value(text, "gatehouse_requests_submitted_total")).toBe(sum("submitted"));
    expect(value(text, "gatehouse_requests_submitted_total")).toBe(FIXTURE_STATES.length + 2);
    expect(["queued", "running", "succeeded", "failed", "dead"].map(reached)).toEqual(
      [sum("queuedIn"), sum("started"), sum("succeeded"), sum("failed"), sum("dead")],
    );
    // Approved by alice: queued, running, succeeded, failed, dead, discarded; and the policy's one.
    expect(reached("queued")).toBe(7);
    expect(["running", "succeeded", "failed", "dead"].map(reached)).toEqual([5, 1, 1, 2]);
    expect(["rejected", "expired", "cancelled", "allowed"].map(reached)).toEqual([2, 1, 1, 1]);
    // alice approved six, allowed one gate request and rejected one; the policy rejected sudo and
    // approved make deploy.
    expect(value(text, 'gatehouse_requests_decided_total{by="person"}')).toBe(8);
    expect(value(text, 'gatehouse_requests_decided_total{by="policy"}')).toBe(2);

    const decisions = (await db.latency(0)).filter((r) => r.metric === "decision").reduce((n, r) => n + r.n, 0);
    expect(value(text, "gatehouse_request_decision_duration_seconds_count")).toBe(decisions);
    expect(value(text, 'gatehouse_request_run_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(value(text, "gatehouse_request_wait_duration_seconds_count")).toBe(5);
  });

  it("puts each duration under the first le at or above it, exactly at whole milliseconds", async () => {
    const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
    const a = await agent(db);
    // 1448 ms is the largest whole ms below the rollup edge 2^10.5 ms (1448.15): le="1.448" holds it, not 1449.
    for (const [i, ms] of [1448, 1449, 5, 6].entries()) {
      const r = await submit(db, a, { command: `make ${i}` }, T0);
      await approveRequest(db, r.id, alice, { now: T0 + ms });
      await markRunning(db, r.id, T0 + ms + 2);
      await markFinished(db, r.id, { exitCode: 0, output: "", outputTruncated: false, now: T0 + ms + 2 + ms });
    }
    const text = await scrape(T0 + 10_000);
    const bucket = (h: string, le: string) => value(text, `gatehouse_request_${h}_duration_seconds_bucket{le="${le}"}`);
    for (const h of ["decision", "run"]) {
      expect(["0.005", "0.011", "1.448", "2.896", "+Inf"].map((le) => bucket(h, le))).toEqual([1, 2, 3, 4, 4]);
      expect(bucket(h, "0.002")).toBe(0);
    }
    expect([bucket("wait", "0.001"), bucket("wait", "0.002")]).toEqual([0, 4]);
    // Sums are estimated from bucket middles: within 9% of the true 2.908 s.
    expect(Math.abs(value(text, "gatehouse_request_decision_duration_seconds_sum") / 2.908 - 1)).toBeLessThan(0.09);
  });

  it("writes the same le bounds whatever the data, from 1 ms up, so instances aggregate", async () => {
    const les = (text: string) =>
      [...parse(text).values.keys()].filter((k) => k.startsWith("gatehouse_request_run_duration_seconds_bucket")).map((k) => /le="([^"]+)"/.exec(k)?.[1]);
    const empty = les(await scrape());
    await everyState();
    expect(les(await scrape())).toEqual(empty);
    expect(empty).toEqual([...LATENCY_BOUNDS.map((b) => String(b.leSeconds)), "+Inf"]);
    expect(empty.slice(0, 4)).toEqual(["0.001", "0.002", "0.005", "0.011"]);
  });

  it("never lowers a counter or a histogram series between scrapes, while gauges follow the state", async () => {
    await everyState();
    const before = parse(await scrape()).values;
    // A dead letter put back on the queue leaves `dead` and enters `queued` again.
    const a = await agent(db, "other", { sessions: ["claude-other"] });
    const dead = await requestIn(db, a, "dead");
    const deadNow = value(await scrape(), 'gatehouse_requests{status="dead"}');
    await requeueRequest(db, dead.id, alice);
    const after = parse(await scrape());
    expect(after.values.get('gatehouse_requests{status="dead"}')).toBe(deadNow - 1);
    for (const [series, v] of before) {
      const family = series.replace(/\{.*$/, "").replace(/_(bucket|sum|count)$/, "");
      const type = after.types.get(family) ?? after.types.get(series.replace(/\{.*$/, ""));
      if (type === "counter" || type === "histogram") expect([series, after.values.get(series)! >= v]).toEqual([series, true]);
    }
    expect(after.values.get('gatehouse_requests_reached_total{status="queued"}')).toBe(before.get('gatehouse_requests_reached_total{status="queued"}')! + 2);
  });

  it("reports pending work, queue depth and live workers as gauges", async () => {
    const now = Date.now();
    const a = await agent(db);
    await submit(db, a, {}, now - 90_000);
    await requestIn(db, a, "queued");
    await db.registerWorker({ id: "w1", host: "host", pid: 1, queues: [], actors: ["noop"], concurrency: 15, startedAt: now - 1000 });
    await db.heartbeat("w1", { inFlight: 0, processed: 3, failed: 1 }, now, LEASE_MS);
    const text = await scrape(now);
    expect(value(text, 'gatehouse_requests{status="pending"}')).toBe(1);
    expect(value(text, "gatehouse_pending_oldest_age_seconds")).toBeCloseTo(90, 0);
    expect(value(text, 'gatehouse_queue_messages{queue="commands",state="ready"}')).toBe(1);
    expect(value(text, 'gatehouse_workers{state="up"}')).toBe(1);
    expect(value(text, 'gatehouse_worker_processed_total{worker="w1"}')).toBe(3);
  });
});
