// Durations as people write them in experiment specs: 500ms, 30s, 2m, 1m30s, 1h. Zero and negative
// durations, bare numbers and unknown units are errors that say what was expected.

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Seconds in a duration string; throws an Error whose message can follow the field name. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) {
    throw new Error(`"${text}" is not a duration: write it like 500ms, 30s, 2m, 1m30s or 1h`);
  }
  let seconds = 0;
  for (const m of trimmed.matchAll(PART)) seconds += Number(m[1]) * UNITS[m[2]!]!;
  if (!(seconds > 0)) throw new Error(`"${text}" is zero: a duration must be positive`);
  return seconds;
}

/** A Prometheus range selector for a window: whole seconds, at least 1s. */
export function promWindow(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}

/** 95 → "1m35s", 0.5 → "500ms": for reports. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
