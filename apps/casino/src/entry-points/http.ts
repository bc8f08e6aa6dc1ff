// HTTP entry points of the casino: parse and validate, call the domain, shape the answer.
import type { Request, Router } from 'express';
import { body, idempotencyKey, parse, query, unsampledTraceparent, z } from '@gameday/telemetry';
import { CURRENCY, formatCents, money, playerIdentity } from '@gameday/platform';
import type { CallContext } from '../data-access/wallet-client';
import type { Casino, PlayResult } from '../domain/casino';
import { outcomeOf } from '../domain/casino';
import type { StoredHand } from '../domain/casino';
import type { Round } from '../domain/round';
import { GAMES } from '../games';
import { GAME_IDS } from '../games/types';
import type { Game } from '../games/types';

type Routes = Pick<Router, 'get' | 'post'>;

// A colon would make "<client seed>:<nonce>:<block>" ambiguous.
const clientSeed = z
  .string()
  .regex(/^[\x21-\x39\x3b-\x7e]{1,64}$/, 'must be 1–64 printable ASCII characters, without spaces or ":"');

const idParam = z.object({ id: z.uuid('must be a round id (a UUID)') });
const actionBody = z.strictObject({ action: z.enum(['hit', 'stand', 'double']) });
const rotateBody = z.strictObject({ client_seed: clientSeed.optional() });
const historyQuery = z.strictObject({
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(20),
  game: z.enum(GAME_IDS).optional(),
  cursor: z
    .string()
    .max(200)
    .transform((value, ctx) => {
      try {
        const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [string, string];
        const createdAt = new Date(at);
        if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
        return { createdAt, id };
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be the next_cursor of a previous page' });
        return z.NEVER;
      }
    })
    .optional(),
});
const verifyBody = z.strictObject({
  game: z.enum(GAME_IDS),
  server_seed: z.string().regex(/^[0-9a-f]{64}$/, 'must be a revealed server seed (64 hex characters)'),
  server_seed_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')
    .optional(),
  client_seed: clientSeed,
  nonce: z.number().int().min(0).max(2_147_483_647),
  bet: z.unknown(),
  actions: z
    .array(z.enum(['hit', 'stand', 'double']))
    .max(32)
    .optional(),
});

/** The traceparent to pass on when this request is not sampled (see telemetry's head sampling). */
const callContext = (req: Request): CallContext => ({ traceparent: unsampledTraceparent(req) });

export function gameJson(game: Game) {
  return {
    id: game.id,
    name: game.name,
    kind: game.kind,
    rtp: Math.round(game.rtp * 10_000) / 10_000,
    rules: game.rules,
  };
}

export function roundJson(round: Round, game: Game) {
  const hand = round.hand as StoredHand | null;
  const staked = round.stake * round.stakeMultiple;
  const settled = round.status === 'settled';
  const open = game.kind === 'stateful' && hand !== null && !settled && round.status !== 'void';
  return {
    id: round.id,
    game: round.game,
    status: round.status,
    stake: formatCents(round.stake),
    total_staked: formatCents(staked),
    currency: CURRENCY,
    bet: round.params,
    ...(settled
      ? {
          multiplier: round.multiplier,
          payout: formatCents(round.payout ?? 0),
          outcome: outcomeOf(round.multiplier ?? 0, round.stakeMultiple),
          result: round.result,
        }
      : {}),
    ...(round.jackpotWin > 0 ? { jackpot_win: formatCents(round.jackpotWin) } : {}),
    ...(open && game.kind === 'stateful' ? { hand: game.view(hand), actions: game.actions(hand) } : {}),
    ...(hand ? { player_actions: hand.actions } : {}),
    ...(round.voidReason ? { void_reason: round.voidReason } : {}),
    fairness: {
      server_seed_hash: round.serverSeedHash,
      // Revealed only once the player rotated the seed pair: before that it would tell the future.
      server_seed: round.revealed ? round.serverSeed : null,
      client_seed: round.clientSeed,
      nonce: round.nonce,
    },
    created_at: round.createdAt.toISOString(),
    settled_at: round.settledAt?.toISOString() ?? null,
  };
}

function playJson(r: PlayResult, game: Game) {
  return {
    ...roundJson(r.round, game),
    ...(r.balance !== undefined ? { balance: formatCents(r.balance) } : {}),
  };
}

export function casinoRoutes<R extends Routes>(
  r: R,
  casino: Casino,
  limits: { minStake: number; maxStake: number },
): R {
  const stake = money({ minCents: limits.minStake, maxCents: limits.maxStake });
  // One bet schema per game, built once: zod compiles a schema on its first use, so building one per
  // request would compile on every bet.
  const betSchemas = new Map(casino.catalogue.map((g) => [g.id, z.strictObject({ stake, bet: g.params })]));

  r.get('/api/v1/casino/games', (req, res) => {
    playerIdentity(req);
    res.json({
      games: casino.catalogue.map(gameJson),
      limits: {
        min_stake: formatCents(limits.minStake),
        max_stake: formatCents(limits.maxStake),
        currency: CURRENCY,
      },
    });
  });

  r.post('/api/v1/casino/games/:game/rounds', async (req, res) => {
    const who = playerIdentity(req);
    const game = casino.game(String(req.params.game));
    const key = idempotencyKey(req, false);
    const input = body(req, betSchemas.get(game.id)!);
    const played = await casino.play(who.playerId, game, input.stake, input.bet, key, callContext(req));
    if (played.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).location(`/api/v1/casino/rounds/${played.round.id}`).json(playJson(played, game));
  });

  r.get('/api/v1/casino/rounds', async (req, res) => {
    const who = playerIdentity(req);
    const q = query(req, historyQuery);
    const page = await casino.history(who.playerId, { limit: q.limit, game: q.game, before: q.cursor });
    const next = page.next
      ? Buffer.from(JSON.stringify([page.next.createdAt.toISOString(), page.next.id])).toString('base64url')
      : null;
    res.json({
      items: page.rounds.map((round) => roundJson(round, casino.game(round.game))),
      next_cursor: next,
    });
  });

  /** The player asking and the round a /rounds/:id request names. */
  const roundOf = (req: Request) => {
    const who = playerIdentity(req);
    const { id } = parse(idParam, req.params);
    return { playerId: who.playerId, id };
  };

  r.get('/api/v1/casino/rounds/:id', async (req, res) => {
    const { playerId, id } = roundOf(req);
    const round = await casino.round(playerId, id);
    res.json(roundJson(round, casino.game(round.game)));
  });

  r.post('/api/v1/casino/rounds/:id/actions', async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(idParam, req.params);
    const input = body(req, actionBody);
    const played = await casino.act(who.playerId, id, input.action, callContext(req));
    res.json(playJson(played, casino.game(played.round.game)));
  });

  r.get('/api/v1/casino/rounds/:id/verification', async (req, res) => {
    const { playerId, id } = roundOf(req);
    const { round, recomputed, verified } = await casino.verifyRound(playerId, id);
    res.json({
      round_id: round.id,
      verified,
      commitment_matches: recomputed.commitmentMatches,
      recorded: { multiplier: round.multiplier, result: round.result },
      recomputed: { multiplier: recomputed.multiplier, result: recomputed.result },
      fairness: roundJson(round, casino.game(round.game)).fairness,
    });
  });

  r.get('/api/v1/casino/seeds', async (req, res) => {
    const who = playerIdentity(req);
    const s = await casino.seeds(who.playerId);
    res.json({ server_seed_hash: s.serverSeedHash, client_seed: s.clientSeed, next_nonce: s.nextNonce });
  });

  r.post('/api/v1/casino/seeds/rotate', async (req, res) => {
    const who = playerIdentity(req);
    const input = body(req, rotateBody);
    const rotated = await casino.rotateSeeds(who.playerId, input.client_seed);
    res.json({
      previous: {
        server_seed: rotated.previous.serverSeed,
        server_seed_hash: rotated.previous.serverSeedHash,
        client_seed: rotated.previous.clientSeed,
        rounds_played: rotated.previous.nextNonce,
        revealed_at: rotated.previous.revealedAt.toISOString(),
      },
      current: {
        server_seed_hash: rotated.current.serverSeedHash,
        client_seed: rotated.current.clientSeed,
        next_nonce: 0,
      },
    });
  });

  r.post('/api/v1/casino/verify', (req, res) => {
    playerIdentity(req);
    const input = body(req, verifyBody);
    // Any game can be verified, also those another deployment serves.
    const game = GAMES[input.game];
    const params = parse(game.params, input.bet, '/bet');
    const recomputed = casino.verify({
      game: input.game,
      serverSeed: input.server_seed,
      serverSeedHash: input.server_seed_hash,
      clientSeed: input.client_seed,
      nonce: input.nonce,
      params,
      actions: input.actions,
    });
    res.json({
      game: input.game,
      commitment_matches: recomputed.commitmentMatches,
      multiplier: recomputed.multiplier,
      result: recomputed.result,
    });
  });

  r.get('/api/v1/casino/jackpot', async (req, res) => {
    playerIdentity(req);
    const j = await casino.jackpot();
    res.json({
      game: 'slots',
      pool: formatCents(j?.pool ?? 0),
      seed: formatCents(j?.seed ?? 0),
      wins: j?.wins ?? 0,
      last_won_at: j?.lastWonAt?.toISOString() ?? null,
      currency: CURRENCY,
    });
  });
  return r;
}
