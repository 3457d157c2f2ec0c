// The queue benchmark's actor, loaded by worker processes with `--handlers` (bench/queue.ts).
import { appendFileSync } from "node:fs";
import * as z from "zod/mini";
import { defineActor } from "../../lib/queue/actors";
import { bind, type Handlers } from "../../worker/handler";

/** Carries its enqueue time on the monotonic clock, which every process on the machine shares. */
export const benchLatency = defineActor({ name: "bench_latency", payload: z.object({ t: z.number() }) });

/** Does nothing; the first run in each worker process notes when it started, on the same clock. */
export const benchNoop = defineActor({ name: "bench_noop", payload: z.null() });

let firstStart: number | undefined;

export const handlers: Handlers = {
  ...bind(benchLatency, async ({ t }) => {
    const ms = (Number(process.hrtime.bigint()) - t) / 1e6;
    const file = process.env.GATEHOUSE_BENCH_LATENCY_LOG;
    if (file) appendFileSync(file, `${ms}\n`);
  }),
  ...bind(benchNoop, async () => {
    if (firstStart !== undefined) return;
    firstStart = Number(process.hrtime.bigint());
    const file = process.env.GATEHOUSE_BENCH_START_LOG;
    if (file) appendFileSync(file, `${firstStart}\n`);
  }),
};
