// Glicko-2 ratings per trainer and format (the `glicko2` package, Mark Glickman's algorithm). One
// finished rated battle is one rating period of one game for both trainers: each rating moves once,
// inside the transaction that records the result (see Battles.finish).
import { Glicko2 } from 'glicko2';

export interface Rating {
  rating: number;
  rd: number;
  vol: number;
}

/** A new trainer's rating: 1500 ± 350 (Glickman's defaults), volatility 0.06. */
export const INITIAL_RATING: Rating = { rating: 1500, rd: 350, vol: 0.06 };
/** The system constant τ: how fast volatility moves (Glickman suggests 0.3–1.2). */
const TAU = 0.5;

/** Both ratings after one game; `score` is p1's: 1 win, 0 loss, 0.5 draw. */
export function rateGame(p1: Rating, p2: Rating, score: 0 | 0.5 | 1): [Rating, Rating] {
  const system = new Glicko2({
    tau: TAU,
    rating: INITIAL_RATING.rating,
    rd: INITIAL_RATING.rd,
    vol: INITIAL_RATING.vol,
  });
  const a = system.makePlayer(p1.rating, p1.rd, p1.vol);
  const b = system.makePlayer(p2.rating, p2.rd, p2.vol);
  system.updateRatings([[a, b, score]]);
  const out = (p: typeof a): Rating => ({
    rating: round(p.getRating()),
    rd: round(p.getRd()),
    vol: p.getVol(),
  });
  return [out(a), out(b)];
}

const round = (n: number) => Math.round(n * 100) / 100;
