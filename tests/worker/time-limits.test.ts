import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimeLimits } from "../../worker/time-limits";

/** A run that records when its limit was reached, on the test's clock. */
function run(reached: Array<[string, number]>, name: string) {
  return { timeLimitReached: () => reached.push([name, Date.now()]) };
}

describe("time limits on shared timers", () => {
  const T0 = 1_700_000_000_000;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it("tells each run at its own deadline, also after the first of its length ended early", () => {
    const limits = new TimeLimits();
    const reached: Array<[string, number]> = [];
    const a = limits.start(100, run(reached, "a"));
    vi.advanceTimersByTime(20);
    limits.start(100, run(reached, "b"));
    vi.advanceTimersByTime(10);
    limits.cancel(a);
    vi.advanceTimersByTime(200);
    expect(reached).toEqual([["b", T0 + 120]]);
  });

  it("keeps lengths apart, and tells runs of one length in the order they started", () => {
    const limits = new TimeLimits();
    const reached: Array<[string, number]> = [];
    limits.start(100, run(reached, "long"));
    limits.start(30, run(reached, "short 1"));
    vi.advanceTimersByTime(5);
    limits.start(30, run(reached, "short 2"));
    vi.advanceTimersByTime(200);
    expect(reached).toEqual([
      ["short 1", T0 + 30],
      ["short 2", T0 + 35],
      ["long", T0 + 100],
    ]);
  });

  it("leaves no timer once every run has ended, and never tells a run that ended", () => {
    const limits = new TimeLimits();
    const reached: Array<[string, number]> = [];
    const started = ["a", "b", "c"].map((name) => limits.start(50, run(reached, name)));
    limits.cancel(started[1]!);
    limits.cancel(started[2]!);
    limits.cancel(started[0]!);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(reached).toEqual([]);
  });

  it("ignores ending a run a second time, after its limit was reached", () => {
    const limits = new TimeLimits();
    const reached: Array<[string, number]> = [];
    const a = limits.start(10, run(reached, "a"));
    limits.start(10, run(reached, "b"));
    vi.advanceTimersByTime(5);
    limits.start(10, run(reached, "c"));
    vi.advanceTimersByTime(5);
    limits.cancel(a);
    vi.advanceTimersByTime(10);
    expect(reached.map(([name]) => name)).toEqual(["a", "b", "c"]);
  });
});
