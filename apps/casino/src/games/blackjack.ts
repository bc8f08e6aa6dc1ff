// Blackjack against the dealer from an infinite shoe: blackjack pays 3:2, the dealer peeks for
// blackjack and stands on all 17s, the player may hit, stand or double on the first two cards (no
// split, surrender or insurance).
//
// Randomness: every card is `int(52)` of the round's stream: rank = n mod 13 (A, 2…10, J, Q, K), suit
// = floor(n / 13) (0 ♠ S, 1 ♥ H, 2 ♦ D, 3 ♣ C), written "AS", "10H", "QD", "7C". The shoe is infinite:
// every card is independent of the others. Numbers 0–3 are the player's first card, the dealer's up
// card, the player's second card and the dealer's hole card; then come the player's hits (or the one
// double card) in order, then the dealer's draws. The hand stores the stream's cursor and every
// action resumes the stream there, so the whole hand is one stream anyone can replay from the seeds.
//
// RTP: with an infinite shoe card values 1…9 each come with probability 1/13 and 10 with 4/13 whatever
// was dealt, so a hand's future depends only on its total and whether it is soft. `analyseExactly()`
// computes (once, when the module loads):
//   1. the dealer's final total (17…21 or bust) for each up card by recursion over (total, soft),
//      with the hole card conditioned on no dealer blackjack (the peek settles those at once);
//   2. the player's expected net return of standing, hitting (then playing on optimally) and
//      doubling for every (total, soft, up card), filling states in decreasing order of hard sum;
//   3. the expectation over the four dealt cards: a dealer blackjack loses (pushes a player
//      blackjack), a player blackjack wins 1.5, every other deal takes its best action.
// The EV-maximising decision depends only on (total, soft, up card, may double), so it IS basic
// strategy here: `basicStrategy` plays exactly that table, and the computed return is the return of
// the strategy the simulation plays. Result: RTP 0.989133 per initial stake (house edge 1.087%), the
// way casinos publish blackjack (house edge = expected loss / initial bet). The same infinite-deck
// S17 game with splitting and double after split has a 0.509% edge (Wizard of Odds, appendix 5), so
// no split costs ≈ 0.58%. Per unit of all money staked, doubles included (1 − "element of risk"),
// the return is 0.990062: the player doubles 9.4% of hands, so E[stake] = 1.0936 initial stakes.
import { z } from '@gameday/telemetry';
import { IllegalActionError } from './types';
import type { HandAction, HandState, Rng, StatefulGame } from './types';
import type { Strategy } from './simulate';

// The bet has no game-specific fields (the stake is the casino's business): any field is an error.
const blackjackParams = z.strictObject({});
export type BlackjackParams = z.infer<typeof blackjackParams>;

/** A card as rank then suit letter: "AS" (ace of spades), "10H", "QD", "7C". */
export type Card = string;

export type BlackjackOutcome = 'win' | 'lose' | 'push' | 'blackjack';

export interface BlackjackState {
  /** The player's cards in the order dealt. */
  player: Card[];
  /** The dealer's cards: up card, hole card, then draws. The hole card is hidden by `view`. */
  dealer: Card[];
  doubled: boolean;
  status: 'playing' | 'settled';
  outcome?: BlackjackOutcome;
}

export interface BlackjackResult {
  player: Card[];
  dealer: Card[];
  playerTotal: number;
  dealerTotal: number;
  doubled: boolean;
  outcome: BlackjackOutcome;
}

export interface HandTotal {
  /** The best total: an ace counts 11 when that does not bust the hand. */
  total: number;
  /** Whether an ace is counted as 11 (another card cannot bust the hand). */
  soft: boolean;
}

/** What the player sees. While the hand is open the dealer shows the up card only. */
export interface BlackjackView {
  status: 'playing' | 'settled';
  player: HandTotal & { cards: Card[] };
  dealer: HandTotal & { cards: Card[]; holeCardHidden: boolean };
  doubled: boolean;
  stakeMultiple: number;
  actions: HandAction[];
  outcome?: BlackjackOutcome;
  multiplier?: number;
}

// Multipliers on the initial stake; a doubled hand returns twice these (win 4, push 2).
export const BLACKJACK_MULTIPLIER = 2.5;
export const WIN_MULTIPLIER = 2;
export const PUSH_MULTIPLIER = 1;

const RANKS = ['A', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'J', 'Q', 'K'] as const;
const SUITS = ['S', 'H', 'D', 'C'] as const;
const ACTIONS: readonly HandAction[] = ['hit', 'stand', 'double'];

const CARDS: readonly Card[] = Array.from(
  { length: 52 },
  (_, n) => `${RANKS[n % 13]}${SUITS[Math.floor(n / 13)]}`,
);

/** The card for a stream number in [0, 52). */
export function cardFor(n: number): Card {
  return CARDS[n];
}

/** Ace 1 (hand totals count it 11 when they can), face cards 10. */
export function cardValue(card: Card): number {
  // By first character: hand totals are recomputed on every view and action of the simulation.
  const c = card.charCodeAt(0);
  if (c >= 50 && c <= 57) return c - 48; // '2'…'9'
  if (c === 65) return 1; // 'A'
  return 10; // '10', 'J', 'Q', 'K'
}

export function handTotal(cards: readonly Card[]): HandTotal {
  const total = bestTotal(cards);
  let hard = 0;
  for (const card of cards) hard += cardValue(card);
  return { total, soft: total !== hard };
}

/** `handTotal(cards).total` without allocating (the simulation computes it several times a hand). */
function bestTotal(cards: readonly Card[]): number {
  let hard = 0;
  let ace = false;
  for (const card of cards) {
    const value = cardValue(card);
    hard += value;
    if (value === 1) ace = true;
  }
  return ace && hard + 10 <= 21 ? hard + 10 : hard;
}

function isBlackjack(cards: readonly Card[]): boolean {
  return cards.length === 2 && bestTotal(cards) === 21;
}

function draw(rng: Rng): Card {
  return cardFor(rng.int(52));
}

// ---------------------------------------------------------------------------------------------
// Exact analysis (see the top of the file).

/** P(card value v), v = 1…10, for an infinite shoe. */
function valueProbability(v: number): number {
  return v === 10 ? 4 / 13 : 1 / 13;
}

// Dealer outcome index: 0…4 = final total 17…21, 5 = bust.
const BUST = 5;

function addCard(hard: number, ace: boolean, v: number): { hard: number; ace: boolean } {
  return { hard: hard + v, ace: ace || v === 1 };
}

function best(hard: number, ace: boolean): HandTotal {
  return ace && hard + 10 <= 21 ? { total: hard + 10, soft: true } : { total: hard, soft: false };
}

function dealerFinish(hard: number, ace: boolean, memo: Map<string, number[]>): number[] {
  const { total } = best(hard, ace);
  const dist = [0, 0, 0, 0, 0, 0];
  if (total > 21) {
    dist[BUST] = 1;
    return dist;
  }
  // Stands on every 17, soft ones included.
  if (total >= 17) {
    dist[total - 17] = 1;
    return dist;
  }
  const key = `${hard}|${ace}`;
  const cached = memo.get(key);
  if (cached) return cached;
  for (let v = 1; v <= 10; v++) {
    const next = addCard(hard, ace, v);
    const sub = dealerFinish(next.hard, next.ace, memo);
    for (let i = 0; i < 6; i++) dist[i] += valueProbability(v) * sub[i];
  }
  memo.set(key, dist);
  return dist;
}

/** P(dealer has blackjack | up card). */
function dealerBlackjackProbability(up: number): number {
  if (up === 1) return valueProbability(10);
  if (up === 10) return valueProbability(1);
  return 0;
}

/** The dealer's final-total distribution given the up card and that the peek found no blackjack. */
function dealerDistribution(up: number, memo: Map<string, number[]>): number[] {
  const dist = [0, 0, 0, 0, 0, 0];
  const noBlackjack = 1 - dealerBlackjackProbability(up);
  for (let hole = 1; hole <= 10; hole++) {
    if ((up === 1 && hole === 10) || (up === 10 && hole === 1)) continue;
    const hand = addCard(up, up === 1, hole);
    const sub = dealerFinish(hand.hard, hand.ace, memo);
    for (let i = 0; i < 6; i++) dist[i] += (valueProbability(hole) / noBlackjack) * sub[i];
  }
  return dist;
}

/** Expected net return per initial stake of each action (a double risks 2), and the best choices. */
export interface StateValue {
  stand: number;
  hit: number;
  double: number;
  /** The best action when doubling is allowed (first two cards) and when it is not. */
  withDouble: HandAction;
  withoutDouble: HandAction;
}

export interface BlackjackAnalysis {
  /** Return per initial stake under basic strategy: 1 − house edge. The documented RTP. */
  rtp: number;
  /** Return per unit of all money staked (doubles count twice): total returned / total staked. */
  perTotalStaked: number;
  /** The mean multiplier on the initial stake (what the casino pays back per initial stake). */
  meanMultiplier: number;
  /** The mean stake multiple (1 + P(double)). */
  meanStake: number;
  /** Index: up card value (1 = ace … 10), player total, soft (1) or hard (0). */
  table: StateValue[][][];
}

function analyseExactly(): BlackjackAnalysis {
  const dealerMemo = new Map<string, number[]>();
  const table: StateValue[][][] = [];
  for (let up = 1; up <= 10; up++) {
    const dealer = dealerDistribution(up, dealerMemo);
    const standNet = (total: number): number => {
      let net = dealer[BUST] * (WIN_MULTIPLIER - 1);
      for (let d = 17; d <= 21; d++) {
        const outcomeNet = total > d ? WIN_MULTIPLIER - 1 : total === d ? PUSH_MULTIPLIER - 1 : -1;
        net += dealer[d - 17] * outcomeNet;
      }
      return net;
    };
    const values: StateValue[][] = [];
    table[up] = values;
    // A hit always raises the hard sum (aces counted 1), so filling states by hard sum from 21
    // down makes every successor known; a soft total t has hard sum t − 10.
    for (let hardSum = 21; hardSum >= 2; hardSum--) {
      values[hardSum] ??= [];
      if (hardSum <= 11) values[hardSum + 10] ??= [];
      const states: HandTotal[] = [];
      if (hardSum >= 4) states.push({ total: hardSum, soft: false });
      if (hardSum <= 11) states.push({ total: hardSum + 10, soft: true });
      for (const { total, soft } of states) {
        const stand = standNet(total);
        let hit = 0;
        let double = 0;
        for (let v = 1; v <= 10; v++) {
          const p = valueProbability(v);
          const card = addCard(hardSum, soft, v);
          const next = best(card.hard, card.ace);
          if (next.total > 21) {
            hit -= p;
            double -= 2 * p;
            continue;
          }
          const after = values[next.total][next.soft ? 1 : 0];
          // Reaching 21 stands automatically (hitting 21 never helps).
          hit += p * (next.total === 21 ? after.stand : Math.max(after.stand, after.hit));
          double += 2 * p * after.stand;
        }
        if (total === 21) hit = -Infinity;
        const withoutDouble: HandAction = hit > stand ? 'hit' : 'stand';
        const withDouble: HandAction = double > Math.max(stand, hit) ? 'double' : withoutDouble;
        values[total][soft ? 1 : 0] = { stand, hit, double, withDouble, withoutDouble };
      }
    }
  }

  // The four dealt cards: player, up, player, hole.
  let net = 0;
  let meanStake = 0;
  for (let up = 1; up <= 10; up++) {
    const pUp = valueProbability(up);
    const pDealerBj = dealerBlackjackProbability(up);
    for (let a = 1; a <= 10; a++) {
      for (let b = 1; b <= 10; b++) {
        const p = pUp * valueProbability(a) * valueProbability(b);
        const playerBj = (a === 1 && b === 10) || (a === 10 && b === 1);
        meanStake += p * pDealerBj;
        if (playerBj) {
          net += p * (1 - pDealerBj) * (BLACKJACK_MULTIPLIER - 1);
          meanStake += p * (1 - pDealerBj);
          continue;
        }
        net -= p * pDealerBj;
        const { total, soft } = best(a + b, a === 1 || b === 1);
        const value = table[up][total][soft ? 1 : 0];
        const action = value.withDouble;
        net += p * (1 - pDealerBj) * value[action];
        meanStake += p * (1 - pDealerBj) * (action === 'double' ? 2 : 1);
      }
    }
  }
  const meanMultiplier = meanStake + net;
  return { rtp: 1 + net, perTotalStaked: meanMultiplier / meanStake, meanMultiplier, meanStake, table };
}

let analysis: BlackjackAnalysis | undefined;

/** The exact analysis of the game under basic strategy (computed once). */
export function blackjackReturns(): BlackjackAnalysis {
  analysis ??= analyseExactly();
  return analysis;
}

/** The basic-strategy action for a hand (derived from the exact analysis, so it maximises EV). */
export function basicStrategyAction(
  total: number,
  soft: boolean,
  up: number,
  mayDouble: boolean,
): HandAction {
  const value = blackjackReturns().table[up][total][soft ? 1 : 0];
  return mayDouble ? value.withDouble : value.withoutDouble;
}

/** Basic strategy for these rules, for the RTP simulation and the bench. */
export const basicStrategy: Strategy = (view, actions) => {
  const { player, dealer } = view as BlackjackView;
  const action = basicStrategyAction(
    player.total,
    player.soft,
    cardValue(dealer.cards[0]),
    actions.includes('double'),
  );
  return actions.includes(action) ? action : 'stand';
};

// ---------------------------------------------------------------------------------------------
// Play.

type Hand = HandState<BlackjackState>;

const MULTIPLIERS: Record<BlackjackOutcome, number> = {
  blackjack: BLACKJACK_MULTIPLIER,
  win: WIN_MULTIPLIER,
  push: PUSH_MULTIPLIER,
  lose: 0,
};

function settle(
  player: Card[],
  dealer: Card[],
  doubled: boolean,
  cursor: number,
  outcome: BlackjackOutcome,
): Hand {
  const stakeMultiple = doubled ? 2 : 1;
  const result: BlackjackResult = {
    player,
    dealer,
    playerTotal: bestTotal(player),
    dealerTotal: bestTotal(dealer),
    doubled,
    outcome,
  };
  return {
    state: { player, dealer, doubled, status: 'settled', outcome },
    cursor,
    stakeMultiple,
    settled: { multiplier: MULTIPLIERS[outcome] * stakeMultiple, result },
  };
}

/** The dealer draws to 17 or more (standing on soft 17), then the totals are compared. */
function dealerPlays(player: Card[], shown: Card[], doubled: boolean, rng: Rng): Hand {
  const dealer = shown.slice();
  while (bestTotal(dealer) < 17) dealer.push(draw(rng));
  const playerTotal = bestTotal(player);
  const dealerTotal = bestTotal(dealer);
  const outcome: BlackjackOutcome =
    dealerTotal > 21 || playerTotal > dealerTotal ? 'win' : playerTotal === dealerTotal ? 'push' : 'lose';
  return settle(player, dealer, doubled, rng.cursor, outcome);
}

function allowedActions(hand: Hand): HandAction[] {
  if (hand.settled || hand.state.status !== 'playing') return [];
  return hand.state.player.length === 2 ? ['hit', 'stand', 'double'] : ['hit', 'stand'];
}

export const blackjack: StatefulGame<BlackjackParams, BlackjackState> = {
  kind: 'stateful',
  id: 'blackjack',
  name: 'Blackjack',
  rtp: blackjackReturns().rtp,
  rules:
    'Beat the dealer without going over 21; aces count 1 or 11, face cards 10. Cards come from an ' +
    'infinite shoe, dealt player, dealer (up), player, dealer (hole). The dealer peeks: a dealer ' +
    'blackjack ends the hand at once (the stake is lost, or pushed if you have blackjack too). ' +
    'Blackjack pays 3:2 (2.5× the stake). Hit, stand, or double on your first two cards (the stake ' +
    'doubles, you get exactly one more card); reaching 21 stands automatically. No split, surrender ' +
    'or insurance. Going over 21 loses at once. The dealer then draws to 17 and stands on all 17s, ' +
    'soft 17 included. A win pays 2× the stake (4× the initial stake after a double), a push ' +
    `returns it. RTP with basic strategy ${(blackjackReturns().rtp * 100).toFixed(2)}% of the ` +
    'initial stake.',
  params: blackjackParams,
  rtpFor() {
    return blackjackReturns().rtp;
  },
  rtpCases: [{}],

  start(_params, rng) {
    const player = [draw(rng)];
    const dealer = [draw(rng)];
    player.push(draw(rng));
    dealer.push(draw(rng));
    const playerBj = isBlackjack(player);
    if (isBlackjack(dealer)) return settle(player, dealer, false, rng.cursor, playerBj ? 'push' : 'lose');
    if (playerBj) return settle(player, dealer, false, rng.cursor, 'blackjack');
    return {
      state: { player, dealer, doubled: false, status: 'playing' },
      cursor: rng.cursor,
      stakeMultiple: 1,
    };
  },

  act(hand, action, rng) {
    if (hand.settled || hand.state.status !== 'playing') {
      throw new IllegalActionError(`cannot ${action}: the hand is already settled`);
    }
    if (!ACTIONS.includes(action)) {
      throw new IllegalActionError(`unknown action "${String(action)}": expected hit, stand or double`);
    }
    const { dealer } = hand.state;
    if (action === 'double' && hand.state.player.length !== 2) {
      throw new IllegalActionError('cannot double: doubling is only allowed on the first two cards');
    }
    // A stream at the wrong position would deal different cards from the ones the seeds promise.
    if (rng.cursor !== hand.cursor) {
      throw new Error(`blackjack: the rng is at ${rng.cursor} but the hand was left at ${hand.cursor}`);
    }
    if (action === 'stand') return dealerPlays(hand.state.player, dealer, false, rng);
    const player = [...hand.state.player, draw(rng)];
    const total = bestTotal(player);
    const doubled = action === 'double';
    // A bust loses at once: the dealer does not draw.
    if (total > 21) return settle(player, dealer, doubled, rng.cursor, 'lose');
    // Doubling takes exactly one card; 21 stands automatically.
    if (doubled || total === 21) return dealerPlays(player, dealer, doubled, rng);
    return {
      state: { player, dealer, doubled: false, status: 'playing' },
      cursor: rng.cursor,
      stakeMultiple: 1,
    };
  },

  view(hand): BlackjackView {
    const { state } = hand;
    const open = !hand.settled && state.status === 'playing';
    const dealerCards = open ? state.dealer.slice(0, 1) : state.dealer;
    const view: BlackjackView = {
      status: open ? 'playing' : 'settled',
      player: { cards: state.player, ...handTotal(state.player) },
      dealer: { cards: dealerCards, ...handTotal(dealerCards), holeCardHidden: open },
      doubled: state.doubled,
      stakeMultiple: hand.stakeMultiple,
      actions: allowedActions(hand),
    };
    if (!open) {
      view.outcome = state.outcome;
      view.multiplier = hand.settled?.multiplier;
    }
    return view;
  },

  actions: allowedActions,
};
