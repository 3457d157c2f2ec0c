/** Charts as inline SVG: no chart library, and they follow the theme through currentColor and CSS colours. */

export interface Series {
  name: string;
  values: number[];
  /** A CSS colour, e.g. var(--color-sky-500). */
  color: string;
}

export function Sparkline({ values, label, color = "var(--color-sky-500)" }: { values: number[]; label: string; color?: string }) {
  const w = 240;
  const h = 48;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} className="h-12 w-full" preserveAspectRatio="none">
      <polygon points={`0,${h} ${pts.join(" ")} ${w},${h}`} fill={color} opacity={0.15} />
      <polyline points={pts.join(" ")} fill="none" stroke={color} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

const W = 720;
const H = 220;
const PAD = { l: 44, r: 12, t: 12, b: 26 };

/** A y-axis of 3 to 5 round steps (1, 2, 2.5 or 5 times a power of ten) that covers `v`. */
function axis(v: number): { max: number; ticks: number } {
  if (v <= 0) return { max: 1, ticks: 2 };
  const raw = v / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks = Math.max(1, Math.ceil(v / step - 1e-9));
  return { max: step * ticks, ticks };
}

function Frame({ max, ticks, labels, children, label }: { max: number; ticks: number; labels: string[]; children: React.ReactNode; label: string }) {
  const plotH = H - PAD.t - PAD.b;
  const plotW = W - PAD.l - PAD.r;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="h-auto w-full text-zinc-400 dark:text-zinc-500">
      {Array.from({ length: ticks + 1 }, (_, i) => {
        const y = PAD.t + plotH - (i / ticks) * plotH;
        const v = (max * i) / ticks;
        return (
          <g key={i}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y} y2={y} stroke="currentColor" strokeOpacity={i === 0 ? 0.6 : 0.2} />
            <text x={PAD.l - 6} y={y + 3.5} textAnchor="end" fontSize={10} fill="currentColor">
              {Number.isInteger(v) ? v : Number(v.toFixed(2))}
            </text>
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text key={i} x={PAD.l + (labels.length > 1 ? (i / (labels.length - 1)) * plotW : 0)} y={H - 8} textAnchor="middle" fontSize={10} fill="currentColor">
            {l}
          </text>
        ) : null,
      )}
      {children}
    </svg>
  );
}

/** Lines over time; each bucket has a hover title with every series' value. */
export function LineChart({ series, labels, label, unit = "" }: { series: Series[]; labels: string[]; label: string; unit?: string }) {
  const n = labels.length;
  const { max, ticks } = axis(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotH = H - PAD.t - PAD.b;
  const plotW = W - PAD.l - PAD.r;
  const x = (i: number) => PAD.l + (n > 1 ? (i / (n - 1)) * plotW : 0);
  const y = (v: number) => PAD.t + plotH - (v / max) * plotH;
  return (
    <figure>
      <Frame max={max} ticks={ticks} labels={labels} label={label}>
        {series.map((s) => (
          <polyline
            key={s.name}
            points={s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}
            fill="none"
            stroke={s.color}
            strokeWidth={1.75}
            strokeLinejoin="round"
          />
        ))}
        {labels.map((l, i) => (
          <rect key={i} x={x(i) - plotW / n / 2} y={PAD.t} width={plotW / n} height={plotH} fill="transparent">
            <title>{`${l}\n${series.map((s) => `${s.name}: ${fmt(s.values[i] ?? 0)}${unit}`).join("\n")}`}</title>
          </rect>
        ))}
      </Frame>
      <Legend series={series} />
    </figure>
  );
}

/** Stacked bars over time (e.g. succeeded under failed). */
export function StackedBars({ series, labels, label }: { series: Series[]; labels: string[]; label: string }) {
  const n = labels.length;
  const totals = labels.map((_, i) => series.reduce((t, s) => t + (s.values[i] ?? 0), 0));
  const { max, ticks } = axis(Math.max(0, ...totals));
  const plotH = H - PAD.t - PAD.b;
  const plotW = W - PAD.l - PAD.r;
  const bw = plotW / n;
  return (
    <figure>
      <Frame max={max} ticks={ticks} labels={labels} label={label}>
        {labels.map((l, i) => {
          let acc = 0;
          return (
            <g key={i}>
              {series.map((s) => {
                const v = s.values[i] ?? 0;
                const hgt = (v / max) * plotH;
                acc += hgt;
                return v > 0 ? (
                  <rect key={s.name} x={PAD.l + i * bw + bw * 0.12} width={bw * 0.76} y={PAD.t + plotH - acc} height={hgt} fill={s.color} />
                ) : null;
              })}
              <rect x={PAD.l + i * bw} y={PAD.t} width={bw} height={plotH} fill="transparent">
                <title>{`${l}\n${series.map((s) => `${s.name}: ${fmt(s.values[i] ?? 0)}`).join("\n")}`}</title>
              </rect>
            </g>
          );
        })}
      </Frame>
      <Legend series={series} />
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  return (
    <figcaption className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      {series.map((s) => (
        <span key={s.name} className="inline-flex items-center gap-1.5">
          <svg aria-hidden width="12" height="8" className="inline-block">
            <rect width="12" height="8" rx="2" fill={s.color} />
          </svg>
          {s.name}
        </span>
      ))}
    </figcaption>
  );
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
