/** One measured figure, printed as one JSON line: other tools read these by name. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Prints a figure the moment it is measured. */
export type Emit = (name: string, value: number, unit: string) => void;

/**
 * A benchmark group: the default export of bench/<group>.ts, run by `npm run bench -- <group>`.
 * It emits its figures as it measures them, and cleans up after itself.
 */
export type BenchGroup = (emit: Emit) => Promise<void>;

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
