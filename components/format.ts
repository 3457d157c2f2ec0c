/** "4s", "3m 12s", "2h 5m", "3d 4h": the age or duration a person reads at a glance. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Milliseconds as "12 ms", "1.4 s", "3m 2s". */
export function latency(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return duration(ms);
}

/**
 * A date and time in the reader's zone, or in UTC (marked so) where the text must not depend on
 * where it is rendered: `timeZone` comes from `useTimeZone()` (components/clock.tsx).
 */
export function dateTime(ms: number | string | null, timeZone?: "UTC"): string {
  if (ms === null) return "–";
  const text = new Date(ms).toLocaleString(timeZone ? "en-US" : undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone,
  });
  return timeZone ? `${text} UTC` : text;
}

/** "14:05": hours and minutes, for chart labels. */
export function clock(ms: number, timeZone?: "UTC"): string {
  return new Date(ms).toLocaleTimeString(timeZone ? "en-GB" : undefined, { hour: "2-digit", minute: "2-digit", timeZone });
}

/** "Tue 14": weekday and hour, for a week's chart labels. */
export function weekdayHour(ms: number, timeZone?: "UTC"): string {
  return new Date(ms).toLocaleDateString(timeZone ? "en-GB" : undefined, { weekday: "short", hour: "2-digit", timeZone });
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}
