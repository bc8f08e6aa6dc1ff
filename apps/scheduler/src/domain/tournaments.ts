// Tournament brackets as pure functions: single elimination (seeded by rating, byes for the top
// seeds when the field is not a power of two) and Swiss (players with equal points meet, nobody
// twice, a bye to the lowest-ranked player who has not had one). Given the same entrants and results
// they always give the same pairings, so a scheduler that dies mid-tournament and runs a round again
// pairs it exactly as before (and the battles, keyed by tournament, round and slot, are not replayed).

export const TOURNAMENT_KINDS = ['single-elimination', 'swiss'] as const;
export type TournamentKind = (typeof TOURNAMENT_KINDS)[number];

export interface Entrant {
  trainerId: string;
  rating: number;
  /** 1 = the highest rating (ties: earlier entry). */
  seed: number;
}

/** A match of a round: p2 null is a bye (p1 advances, or scores a point in Swiss). */
export interface Pairing {
  slot: number;
  p1: string;
  p2: string | null;
}

export interface Result {
  round: number;
  p1: string;
  p2: string | null;
  /** The winner's trainer id; null for a draw. */
  winner: string | null;
}

/** Seeds entrants by rating (highest first), earlier entries first among equals. */
export function seed(entrants: { trainerId: string; rating: number }[]): Entrant[] {
  return entrants
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => b.rating - a.rating || a.i - b.i)
    .map((e, i) => ({ trainerId: e.trainerId, rating: e.rating, seed: i + 1 }));
}

/** Bracket positions of seeds for a bracket of `size` (a power of two): 1, 8, 4, 5, 2, 7, 3, 6 for 8. */
export function bracketOrder(size: number): number[] {
  let order = [1];
  while (order.length < size) {
    const n = order.length * 2;
    order = order.flatMap((s) => [s, n + 1 - s]);
  }
  return order;
}

/** Rounds to a champion: log2 of the field, rounded up (single elimination and Swiss alike). */
export function roundsFor(entrants: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(2, entrants))));
}

/** Round 1 of single elimination: seed 1 meets the lowest seed; missing seeds are byes. */
export function eliminationFirstRound(entrants: Entrant[]): Pairing[] {
  const size = 2 ** roundsFor(entrants.length);
  const bySeed = new Map(entrants.map((e) => [e.seed, e.trainerId]));
  const order = bracketOrder(size);
  const pairings: Pairing[] = [];
  for (let i = 0; i < order.length; i += 2) {
    const a = bySeed.get(order[i]!);
    const b = bySeed.get(order[i + 1]!);
    if (a) pairings.push({ slot: i / 2, p1: a, p2: b ?? null });
    else if (b) pairings.push({ slot: i / 2, p1: b, p2: null });
  }
  return pairings;
}

/**
 * The next elimination round from the previous round's winners in slot order; a draw sends the
 * better seed (p1) through.
 */
export function eliminationNextRound(previous: { slot: number; advancing: string }[]): Pairing[] {
  const sorted = [...previous].sort((a, b) => a.slot - b.slot);
  const pairings: Pairing[] = [];
  for (let i = 0; i < sorted.length; i += 2) {
    pairings.push({ slot: i / 2, p1: sorted[i]!.advancing, p2: sorted[i + 1]?.advancing ?? null });
  }
  return pairings;
}

export interface Standing {
  trainerId: string;
  seed: number;
  /** 1 a win or a bye, 0.5 a draw. */
  points: number;
  /** Buchholz: the sum of the opponents' points (the tie-break). */
  buchholz: number;
  opponents: string[];
  byes: number;
}

export function standings(entrants: Entrant[], results: Result[]): Standing[] {
  const table = new Map<string, Standing>(
    entrants.map((e) => [
      e.trainerId,
      { trainerId: e.trainerId, seed: e.seed, points: 0, buchholz: 0, opponents: [], byes: 0 },
    ]),
  );
  for (const r of results) {
    const a = table.get(r.p1);
    if (!a) continue;
    if (r.p2 === null) {
      a.points += 1;
      a.byes += 1;
      continue;
    }
    const b = table.get(r.p2);
    if (!b) continue;
    a.opponents.push(r.p2);
    b.opponents.push(r.p1);
    if (r.winner === null) {
      a.points += 0.5;
      b.points += 0.5;
    } else if (r.winner === r.p1) a.points += 1;
    else b.points += 1;
  }
  for (const s of table.values())
    s.buchholz = s.opponents.reduce((sum, o) => sum + (table.get(o)?.points ?? 0), 0);
  return [...table.values()].sort(
    (a, b) => b.points - a.points || b.buchholz - a.buchholz || a.seed - b.seed,
  );
}

/**
 * The next Swiss round: the bye (odd fields) to the lowest-ranked player without one, then from the
 * top of the standings each player meets the next one they have not met (backtracking when a
 * greedy choice would leave someone without a fresh opponent).
 */
export function swissRound(table: Standing[]): Pairing[] {
  const players = [...table];
  let bye: Standing | undefined;
  if (players.length % 2 === 1) {
    const candidates = [...players].reverse();
    bye = candidates.find((p) => p.byes === 0) ?? candidates[0];
    players.splice(players.indexOf(bye!), 1);
  }
  const pairs = pairUp(players) ?? pairUp(players, true)!;
  const pairings: Pairing[] = pairs.map(([a, b], slot) => ({ slot, p1: a.trainerId, p2: b.trainerId }));
  if (bye) pairings.push({ slot: pairings.length, p1: bye.trainerId, p2: null });
  return pairings;
}

function pairUp(players: Standing[], allowRematch = false): [Standing, Standing][] | undefined {
  if (players.length === 0) return [];
  const [first, ...rest] = players;
  for (let i = 0; i < rest.length; i++) {
    const other = rest[i]!;
    if (!allowRematch && first!.opponents.includes(other.trainerId)) continue;
    const remaining = [...rest.slice(0, i), ...rest.slice(i + 1)];
    const tail = pairUp(remaining, allowRematch);
    if (tail) return [[first!, other], ...tail];
  }
  return undefined;
}
