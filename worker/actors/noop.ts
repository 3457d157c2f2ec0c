import type { Handler } from "../handler";

/** Does nothing, successfully: the unit of work of the benchmark and of smoke tests. */
export const runNoop: Handler = async () => {};
