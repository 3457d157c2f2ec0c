/**
 * Checks of the few JSON shapes the hook reads (an agent's event, the server's request object, the
 * config file), written out rather than built with zod: constructing zod schemas costs each hook
 * process ~3 ms of its start, and the hook starts before every command an agent runs. Each check
 * names the first field that does not fit; unknown fields are left alone.
 */

/** A check of one field's value, and what it expected when it fails. */
export type Field = readonly [name: string, fits: (v: unknown) => boolean, expected: string];

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === "string";
export const isNonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;
export const optional =
  (fits: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === undefined || fits(v);
export const nullable =
  (fits: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === null || fits(v);

/** The first field of `value` that does not fit, as `{path, expected}`; undefined when all do. */
export function misfit(value: unknown, fields: readonly Field[]): { path: string; expected: string } | undefined {
  if (!isObject(value)) return { path: "", expected: "an object" };
  for (const [name, fits, expected] of fields) if (!fits(value[name])) return { path: name, expected };
  return undefined;
}
