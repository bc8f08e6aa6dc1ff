import { pairQueue, windowOf } from './matchmaking';
import type { QueuedTrainer } from './matchmaking';

const t0 = new Date('2026-12-07T12:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const q = (id: string, rating: number, enqueuedAt = t0, format = 'gen9ou'): QueuedTrainer => ({
  id,
  trainerId: `trainer-${id}`,
  format,
  rating,
  enqueuedAt,
});
const w = { initial: 50, perSecond: 10, max: 400 };
const ids = (pairs: [QueuedTrainer, QueuedTrainer][]) => pairs.map(([a, b]) => `${a.id}+${b.id}`);

describe('matchmaking', () => {
  it('pairs trainers by rating: each with the closest rating in both windows', () => {
    const queue = [q('a', 1500), q('b', 1900), q('c', 1530), q('d', 1880)];
    expect(ids(pairQueue(queue, t0, w))).toEqual(['a+c', 'b+d']);
  });

  it('leaves trainers apart while their ratings are outside the windows, and pairs them as the windows widen', () => {
    const queue = [q('a', 1500), q('b', 1700)];
    expect(pairQueue(queue, at(0), w)).toEqual([]);
    expect(pairQueue(queue, at(10), w)).toEqual([]); // ±150
    expect(windowOf(queue[0]!, at(15), w)).toBe(200);
    expect(ids(pairQueue(queue, at(15), w))).toEqual(['a+b']);
    expect(windowOf(queue[0]!, at(3600), w)).toBe(400);
  });

  it('needs both windows: a newcomer with a narrow window is not pulled far away', () => {
    const queue = [q('old', 1500, at(0)), q('new', 1700, at(30))];
    expect(pairQueue(queue, at(30), w)).toEqual([]); // old: ±350, new: ±50
    expect(ids(pairQueue(queue, at(45), w))).toEqual(['old+new']); // new: ±200
  });

  it('serves the longest-waiting first, never across formats, never a trainer with themselves', () => {
    const queue = [
      q('x', 1500, at(0), 'gen9lc'),
      q('y', 1500, at(1), 'gen9ou'),
      { ...q('z', 1500, at(2), 'gen9ou'), trainerId: 'trainer-y' },
      q('v', 1510, at(3), 'gen9ou'),
    ];
    expect(ids(pairQueue(queue, at(5), w))).toEqual(['y+v']);
  });
});
