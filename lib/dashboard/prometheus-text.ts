// The Prometheus text exposition format, version 0.0.4: what a scrape reads and `promtool check
// metrics` lints. Written by hand rather than with prom-client: see metrics.ts for why.

export type Labels = Readonly<Record<string, string | number>>;

export interface Sample {
  /** A histogram's series: `_bucket` (with an `le` label), `_sum`, `_count`; nothing for others. */
  suffix?: "_bucket" | "_sum" | "_count";
  labels?: Labels;
  value: number;
}

/** One metric family: its HELP and TYPE lines, then its samples. */
export interface MetricFamily {
  name: string;
  type: "counter" | "gauge" | "histogram";
  help: string;
  samples: readonly Sample[];
}

/** The families as one scrape body, each family's samples together under its HELP and TYPE. */
export function exposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(`${f.name}${s.suffix ?? ""}${labelText(s.labels ?? {})} ${formatValue(s.value)}`);
  }
  return lines.join("\n") + "\n";
}

/** A float as Prometheus parses it: `+Inf`, `-Inf` and `NaN` are spelled its way. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${String(v).replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
