const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds in a Prometheus duration made of one unit (`5m`, `6h`, `30d`). */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhdw])$/.exec(duration);
  if (match === null) throw new Error(`"${duration}" is not a duration like 5m, 1h or 30d`);
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/** Formats seconds as a Prometheus duration (`6h0m45s` → `6h45s`), the form promtool accepts. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

/** Human wording for annotations and runbooks: 51.84 s → "52 seconds", 8.64 min → "8.6 minutes". */
export function humanDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} seconds`;
  if (seconds < 5400) return `${round(seconds / 60, 2)} minutes`;
  if (seconds < 172800) return `${round(seconds / 3600, 2)} hours`;
  return `${round(seconds / 86400, 2)} days`;
}

/** Rounds to significant digits so float noise (1 - 0.999 = 0.0010000000000000009) never reaches output. */
export function round(value: number, digits = 10): number {
  return Number(value.toPrecision(digits));
}
