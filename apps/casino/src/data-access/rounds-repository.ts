// Rounds, seeds and the jackpot in PostgreSQL. Each call is one statement or one short transaction;
// nothing here holds a transaction open across a call to the wallet.
import { withTransaction } from '@gameday/platform';
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { commitment, newClientSeed, newServerSeed } from '../domain/provably-fair';
import type { Jackpot, RevealedSeed, Round, RoundStatus, SeedPair } from '../domain/round';
import type { GameId, HandState } from '../games/types';
import { EVENTS_TOPIC } from '@gameday/outbox';
import type { EventEnvelope } from '@gameday/outbox';

interface RoundRow {
  id: string;
  player_id: string;
  game: GameId;
  seed_id: string;
  server_seed: string;
  server_seed_hash: string;
  client_seed: string;
  revealed_at: Date | null;
  nonce: number;
  stake: string;
  params: unknown;
  status: RoundStatus;
  stake_multiple: number;
  hand: HandState | null;
  multiplier: string | null;
  payout: string | null;
  jackpot_win: string;
  result: unknown;
  void_reason: string | null;
  idempotency_key: string;
  request_hash: string;
  version: number;
  created_at: Date;
  settled_at: Date | null;
}

const ROUND_SELECT = `
  SELECT r.*, s.server_seed, s.server_seed_hash, s.client_seed, s.revealed_at
    FROM rounds r JOIN seeds s ON s.id = r.seed_id`;

const toRound = (r: RoundRow): Round => ({
  id: r.id,
  playerId: r.player_id,
  game: r.game,
  seedId: r.seed_id,
  serverSeed: r.server_seed,
  serverSeedHash: r.server_seed_hash,
  clientSeed: r.client_seed,
  nonce: r.nonce,
  revealed: r.revealed_at !== null,
  stake: Number(r.stake),
  params: r.params,
  status: r.status,
  stakeMultiple: r.stake_multiple,
  hand: r.hand,
  multiplier: r.multiplier === null ? null : Number(r.multiplier),
  payout: r.payout === null ? null : Number(r.payout),
  jackpotWin: Number(r.jackpot_win),
  result: r.result,
  voidReason: r.void_reason,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  version: r.version,
  createdAt: r.created_at,
  settledAt: r.settled_at,
});

export interface ReserveInput {
  id: string;
  playerId: string;
  game: GameId;
  stake: number;
  params: unknown;
  idempotencyKey: string;
  requestHash: string;
}

/** The bet.settled event written with a settlement; `occurred_at` is set to the settlement time. */
export interface SettledEvent {
  envelope: EventEnvelope;
  traceparent?: string | undefined;
}

export interface Settlement {
  multiplier: number;
  payout: number;
  result: unknown;
  /** Slots: the share of the stake that feeds the jackpot pool. */
  jackpotContribution?: number;
  /** Slots: the jackpot combination came up. */
  jackpotHit?: boolean;
}

export class PgRoundsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Records a pending round on the player's active seed pair, taking its next nonce, in one
   * statement. Returns `existing` instead when the player already used this idempotency key.
   */
  async reserve(input: ReserveInput): Promise<{ round: Round } | { existing: Round }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      // One round trip: take the next nonce of the active pair and record the round with it. A
      // prepared statement: this runs once per bet.
      const { rows } = await this.pool.query<RoundRow & { seeded: boolean }>({
        name: 'casino_reserve_round',
        text: `WITH s AS (
                 UPDATE seeds SET next_nonce = next_nonce + 1 WHERE player_id = $1 AND active
                 RETURNING id, next_nonce - 1 AS nonce, server_seed, server_seed_hash, client_seed, revealed_at
               ), r AS (
                 INSERT INTO rounds (id, player_id, game, seed_id, nonce, stake, params, status, idempotency_key, request_hash)
                 SELECT $2, $1, $3, s.id, s.nonce, $4, $5, 'pending', $6, $7 FROM s
                 ON CONFLICT (player_id, idempotency_key) DO NOTHING
                 RETURNING *
               )
               SELECT r.*, s.server_seed, s.server_seed_hash, s.client_seed, s.revealed_at, s.id IS NOT NULL AS seeded
                 FROM (SELECT 1) AS one LEFT JOIN s ON true LEFT JOIN r ON true`,
        values: [
          input.playerId,
          input.id,
          input.game,
          input.stake,
          JSON.stringify(input.params),
          input.idempotencyKey,
          input.requestHash,
        ],
      });
      const row = rows[0]!;
      if (row.id) return { round: toRound(row) };
      if (row.seeded) {
        const existing = await this.byKey(input.playerId, input.idempotencyKey);
        if (existing) return { existing };
        throw new Error('the round was neither recorded nor found by its idempotency key');
      }
      await this.activeSeed(input.playerId);
    }
    throw new Error(`no active seed pair for player ${input.playerId}`);
  }

  async get(id: string): Promise<Round | undefined> {
    const { rows } = await this.pool.query<RoundRow>(`${ROUND_SELECT} WHERE r.id = $1`, [id]);
    return rows[0] && toRound(rows[0]);
  }

  async byKey(playerId: string, key: string): Promise<Round | undefined> {
    const { rows } = await this.pool.query<RoundRow>(
      `${ROUND_SELECT} WHERE r.player_id = $1 AND r.idempotency_key = $2`,
      [playerId, key],
    );
    return rows[0] && toRound(rows[0]);
  }

  /** A player's rounds, newest first; `before` is the last round of the previous page. */
  async history(
    playerId: string,
    options: {
      limit: number;
      game?: GameId | undefined;
      before?: { createdAt: Date; id: string } | undefined;
    },
  ): Promise<Round[]> {
    const { rows } = await this.pool.query<RoundRow>(
      `${ROUND_SELECT}
        WHERE r.player_id = $1 AND ($2::text IS NULL OR r.game = $2)
          AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3, $4::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT $5`,
      [
        playerId,
        options.game ?? null,
        options.before?.createdAt ?? null,
        options.before?.id ?? null,
        options.limit,
      ],
    );
    return rows.map(toRound);
  }

  /**
   * Settles a pending/settling round (instant games, and hands once their payout is credited).
   * Returns the settled round, or undefined when it was settled already (by recovery, say).
   */
  async settle(round: Round, s: Settlement, event: SettledEvent): Promise<Round | undefined> {
    // The round and its bet.settled event in one statement, so in one transaction (the outbox).
    const { rows } = await this.pool.query<RoundRow>({
      name: 'casino_settle_round',
      text: `WITH settled AS (
               UPDATE rounds SET status = 'settled', multiplier = $2, payout = $3, result = $4,
                      settled_at = now(), updated_at = now(), version = version + 1
                WHERE id = $1 AND status IN ('pending', 'settling', 'open')
                RETURNING *
             ), event AS (
               INSERT INTO outbox (event_id, topic, key, payload, headers)
               SELECT $5, $6, player_id::text,
                      jsonb_set($7::jsonb, '{occurred_at}', to_jsonb(to_char(settled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
                      $8::jsonb
                 FROM settled
             )
             SELECT * FROM settled`,
      values: [
        round.id,
        s.multiplier,
        s.payout,
        JSON.stringify(s.result),
        event.envelope.id,
        EVENTS_TOPIC,
        JSON.stringify(event.envelope),
        JSON.stringify(event.traceparent ? { traceparent: event.traceparent } : {}),
      ],
    });
    const row = rows[0];
    if (!row) return undefined;
    // The seed pair's columns are not in the rounds row: they did not change.
    return toRound({
      ...row,
      server_seed: round.serverSeed,
      server_seed_hash: round.serverSeedHash,
      client_seed: round.clientSeed,
      revealed_at: round.revealed ? new Date(0) : null,
    });
  }

  /**
   * Decides a round's outcome before its payout is credited: status settling, the payout recorded,
   * and for slots the jackpot contribution added and — on a jackpot — the pool won, all in one
   * transaction. Returns the round as now stored (unchanged when it was no longer pending).
   */
  async prepareSettlement(round: Round, s: Settlement): Promise<Round> {
    await this.transaction(async (client) => {
      const updated = await client.query(
        `UPDATE rounds SET status = 'settling', multiplier = $2, payout = $3, result = $4,
                updated_at = now(), version = version + 1
          WHERE id = $1 AND status IN ('pending', 'open')`,
        [round.id, s.multiplier, s.payout, JSON.stringify(s.result)],
      );
      if (updated.rowCount !== 1) return;
      if (s.jackpotContribution) {
        await client.query('UPDATE jackpots SET pool = pool + $2 WHERE game = $1', [
          round.game,
          s.jackpotContribution,
        ]);
      }
      if (s.jackpotHit) {
        // Lock the pool, take all of it, reset it to its seed: one winner per pool.
        const won = await client.query<{ pool: string }>(
          'SELECT pool FROM jackpots WHERE game = $1 FOR UPDATE',
          [round.game],
        );
        const amount = Number(won.rows[0]?.pool ?? 0);
        await client.query(
          'UPDATE jackpots SET pool = seed, wins = wins + 1, last_won_at = now() WHERE game = $1',
          [round.game],
        );
        await client.query(
          'INSERT INTO jackpot_wins (round_id, game, player_id, amount) VALUES ($1, $2, $3, $4)',
          [round.id, round.game, round.playerId, amount],
        );
        await client.query('UPDATE rounds SET jackpot_win = $2 WHERE id = $1', [round.id, amount]);
      }
    });
    return (await this.get(round.id))!;
  }

  async void(id: string, reason: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE rounds SET status = 'void', void_reason = $2, updated_at = now(), version = version + 1
        WHERE id = $1 AND status IN ('pending', 'open')`,
      [id, reason],
    );
    return rowCount === 1;
  }

  /** Stores a hand after an action, if nobody else changed the round since `version` was read. */
  async saveHand(round: Round, hand: HandState, status: RoundStatus): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE rounds SET hand = $3, stake_multiple = $4, status = $5, updated_at = now(), version = version + 1
        WHERE id = $1 AND version = $2`,
      [round.id, round.version, JSON.stringify(hand), hand.stakeMultiple, status],
    );
    return rowCount === 1;
  }

  /** Rounds a crashed or interrupted process left unfinished, oldest first. */
  async unfinished(graceSeconds: number, handTimeoutSeconds: number, limit = 100): Promise<Round[]> {
    const { rows } = await this.pool.query<RoundRow>(
      `${ROUND_SELECT}
        WHERE (r.status IN ('pending', 'settling') AND r.updated_at < now() - make_interval(secs => $1))
           OR (r.status = 'open' AND r.updated_at < now() - make_interval(secs => $2))
        ORDER BY r.updated_at LIMIT $3`,
      [graceSeconds, handTimeoutSeconds, limit],
    );
    return rows.map(toRound);
  }

  /** The player's active seed pair, created on first use. */
  async activeSeed(playerId: string): Promise<SeedPair> {
    const serverSeed = newServerSeed();
    await this.pool.query(
      `INSERT INTO seeds (id, player_id, server_seed, server_seed_hash, client_seed)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (player_id) WHERE active DO NOTHING`,
      [randomUUID(), playerId, serverSeed, commitment(serverSeed), newClientSeed()],
    );
    const { rows } = await this.pool.query<{
      id: string;
      server_seed_hash: string;
      client_seed: string;
      next_nonce: number;
    }>('SELECT id, server_seed_hash, client_seed, next_nonce FROM seeds WHERE player_id = $1 AND active', [
      playerId,
    ]);
    const s = rows[0]!;
    return {
      id: s.id,
      serverSeedHash: s.server_seed_hash,
      clientSeed: s.client_seed,
      nextNonce: s.next_nonce,
    };
  }

  /**
   * Reveals the active server seed and starts a new pair (with `clientSeed`, or a random one).
   * Refused (undefined) while a round on the active pair is unfinished: revealing the seed would
   * reveal the cards still to come.
   */
  async rotate(
    playerId: string,
    clientSeed: string | undefined,
  ): Promise<{ previous: RevealedSeed; current: SeedPair } | 'unfinished-rounds'> {
    await this.activeSeed(playerId);
    return this.transaction(async (client) => {
      const { rows } = await client.query<{
        id: string;
        server_seed: string;
        server_seed_hash: string;
        client_seed: string;
        next_nonce: number;
      }>('SELECT * FROM seeds WHERE player_id = $1 AND active FOR UPDATE', [playerId]);
      const old = rows[0]!;
      const busy = await client.query(
        `SELECT 1 FROM rounds WHERE seed_id = $1 AND status IN ('pending', 'open', 'settling') LIMIT 1`,
        [old.id],
      );
      if (busy.rowCount) return 'unfinished-rounds' as const;
      const revealed = await client.query<{ revealed_at: Date }>(
        'UPDATE seeds SET active = false, revealed_at = now() WHERE id = $1 RETURNING revealed_at',
        [old.id],
      );
      const serverSeed = newServerSeed();
      const current: SeedPair = {
        id: randomUUID(),
        serverSeedHash: commitment(serverSeed),
        clientSeed: clientSeed ?? newClientSeed(),
        nextNonce: 0,
      };
      await client.query(
        `INSERT INTO seeds (id, player_id, server_seed, server_seed_hash, client_seed) VALUES ($1, $2, $3, $4, $5)`,
        [current.id, playerId, serverSeed, current.serverSeedHash, current.clientSeed],
      );
      return {
        previous: {
          id: old.id,
          serverSeed: old.server_seed,
          serverSeedHash: old.server_seed_hash,
          clientSeed: old.client_seed,
          nextNonce: old.next_nonce,
          revealedAt: revealed.rows[0]!.revealed_at,
        },
        current,
      };
    });
  }

  async ensureJackpot(game: GameId, seed: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO jackpots (game, pool, seed) VALUES ($1, $2, $2) ON CONFLICT (game) DO UPDATE SET seed = $2',
      [game, seed],
    );
  }

  async jackpot(game: GameId): Promise<Jackpot | undefined> {
    const { rows } = await this.pool.query<{
      pool: string;
      seed: string;
      wins: number;
      last_won_at: Date | null;
    }>('SELECT pool, seed, wins, last_won_at FROM jackpots WHERE game = $1', [game]);
    const j = rows[0];
    return j && { pool: Number(j.pool), seed: Number(j.seed), wins: j.wins, lastWonAt: j.last_won_at };
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}
