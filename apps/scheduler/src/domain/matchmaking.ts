// Matchmaking as a pure function: trainers queued for a format are paired by rating. Each waits
// with a window around their rating that widens the longer they wait; two trainers are paired when
// each is inside the other's window. The longest-waiting trainers are served first, each with the
// closest rating available.

export interface QueuedTrainer {
  id: string;
  trainerId: string;
  format: string;
  rating: number;
  enqueuedAt: Date;
}

export interface Window {
  /** The window at once (± rating points). */
  initial: number;
  /** Points it widens per second of waiting. */
  perSecond: number;
  max: number;
}

export const DEFAULT_WINDOW: Window = { initial: 50, perSecond: 10, max: 400 };

export function windowOf(q: QueuedTrainer, now: Date, w: Window = DEFAULT_WINDOW): number {
  const waited = Math.max(0, (now.getTime() - q.enqueuedAt.getTime()) / 1000);
  return Math.min(w.max, w.initial + w.perSecond * waited);
}

export function pairQueue(
  queue: QueuedTrainer[],
  now: Date,
  w: Window = DEFAULT_WINDOW,
): [QueuedTrainer, QueuedTrainer][] {
  const pairs: [QueuedTrainer, QueuedTrainer][] = [];
  const byFormat = new Map<string, QueuedTrainer[]>();
  for (const q of queue) byFormat.set(q.format, [...(byFormat.get(q.format) ?? []), q]);
  for (const waiting of byFormat.values()) {
    const open = [...waiting].sort(
      (a, b) => a.enqueuedAt.getTime() - b.enqueuedAt.getTime() || (a.id < b.id ? -1 : 1),
    );
    while (open.length > 1) {
      const first = open.shift()!;
      let best: QueuedTrainer | undefined;
      for (const other of open) {
        if (other.trainerId === first.trainerId) continue;
        const gap = Math.abs(first.rating - other.rating);
        if (gap > windowOf(first, now, w) || gap > windowOf(other, now, w)) continue;
        if (!best || gap < Math.abs(first.rating - best.rating)) best = other;
      }
      if (best) {
        open.splice(open.indexOf(best), 1);
        pairs.push([first, best]);
      }
    }
  }
  return pairs;
}
