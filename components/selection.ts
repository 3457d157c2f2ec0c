/** A copy of `set` with `id` added, or removed if it was there: a row's checkbox (or x key) was toggled. */
export function toggled<T>(set: ReadonlySet<T>, id: T): Set<T> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}
