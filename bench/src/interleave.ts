// Interleaved A/B: every build under test runs at once (idle ones cost nothing), and load moves
// between them in short slices, rotating who goes first. On this shared VM the machine's speed drifts
// by 15–20 % over tens of seconds; two 10 s runs one after the other saw different machines, and a
// drift could pass for (or hide) a telemetry cost. Slices of 2 s put every build on the same machine.
import type autocannon from 'autocannon';

export interface SliceTotals {
  /** Requests answered 2xx, over all slices. */
  ok: number;
  seconds: number;
  /** Median over slices of each slice's latency percentile (ms). */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** How many slices of about `sliceSeconds` make `totalSeconds` (at least 1). */
export function sliceCount(totalSeconds: number, sliceSeconds: number): number {
  return Math.max(1, Math.round(totalSeconds / sliceSeconds));
}

/**
 * Loads each target for `sliceSeconds`, in rotating order, until each has had `totalSeconds`; sums
 * per target. `fire(target, seconds)` runs one slice of load.
 */
export async function interleaved<K extends string>(
  targets: readonly K[],
  fire: (target: K, seconds: number) => Promise<autocannon.Result>,
  totalSeconds: number,
  sliceSeconds = 2,
): Promise<Record<K, SliceTotals>> {
  const slices = sliceCount(totalSeconds, sliceSeconds);
  const seconds = totalSeconds / slices;
  const acc = new Map<K, { ok: number; p50: number[]; p99: number[]; errors: number; non2xx: number }>();
  for (const t of targets) acc.set(t, { ok: 0, p50: [], p99: [], errors: 0, non2xx: 0 });
  for (let i = 0; i < slices; i++) {
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(i + j) % targets.length]!;
      const r = await fire(target, seconds);
      const a = acc.get(target)!;
      a.ok += r.requests.total - r.non2xx;
      a.p50.push(r.latency.p50);
      a.p99.push(r.latency.p99);
      a.errors += r.errors + r.timeouts;
      a.non2xx += r.non2xx;
    }
  }
  const out = {} as Record<K, SliceTotals>;
  for (const [t, a] of acc) {
    out[t] = {
      ok: a.ok,
      seconds: seconds * slices,
      p50: median(a.p50),
      p99: median(a.p99),
      errors: a.errors,
      non2xx: a.non2xx,
    };
  }
  return out;
}
