export function Figure({ label, value, sub, testId, tone }: { label: string; value: React.ReactNode; sub?: React.ReactNode; testId?: string; tone?: "warn" | "bad" }) {
  const color = tone === "bad" ? "text-red-600 dark:text-red-400" : tone === "warn" ? "text-amber-600 dark:text-amber-400" : "";
  return (
    <div className="card px-4 py-3">
      <div className="text-xs uppercase tracking-wide muted">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`} data-testid={testId}>
        {value}
      </div>
      {sub && <div className="mt-0.5 text-xs muted">{sub}</div>}
    </div>
  );
}

export function Panel({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="card min-w-0 p-4" aria-label={title}>
      <div className="mb-3 flex items-center gap-2">
        <h2 className="font-medium">{title}</h2>
        {action && <div className="ml-auto">{action}</div>}
      </div>
      {/* A table wider than a phone scrolls inside its panel, never the page. */}
      <div className="overflow-x-auto">{children}</div>
    </section>
  );
}

/** A column of a panel table's header; numbers are right-aligned. */
export type Column = string | { label: string; numeric: true };

export const numeric = (label: string): Column => ({ label, numeric: true });

/** The header row of the small tables inside panels. */
export function PanelTableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead className="text-left text-xs uppercase tracking-wide muted">
      <tr>
        {columns.map((c, i) => {
          const label = typeof c === "string" ? c : c.label;
          const align = typeof c === "string" ? "" : " text-right";
          const pad = i < columns.length - 1 ? " pr-3" : "";
          return (
            <th key={label} className={`py-1 font-medium${pad}${align}`}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
