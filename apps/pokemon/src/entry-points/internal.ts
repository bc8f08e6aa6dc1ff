// The internal API other services call (never routed by the gateway; each caller has a service token
// in POKEMON_SERVICE_TOKENS): battles the scheduler arranges (tournament rounds, matchmaking pairs),
// a team check with the trainer's rating (joining a queue or a tournament), retention, and the
// fetcher's refresh of expired cache entries.
import type { Router } from 'express';
import { body, parse, query, z } from '@gameday/telemetry';
import type { ServiceTokens } from '@gameday/platform';
import type { Battles } from '../domain/battles';
import type { Enricher } from '../domain/enrichment';
import { PokeapiEnricher } from '../domain/enrichment';
import { INITIAL_RATING } from '../domain/ratings';
import { FORMATS } from '../domain/sets';
import type { FormatId } from '../domain/sets';
import type { Trainers } from '../domain/trainers';

type Routes = Pick<Router, 'get' | 'post'>;

const format = z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` });
const side = z.strictObject({
  trainer_id: z.uuid('must be a trainer id'),
  team_id: z.uuid('must be a team id'),
});
const arrangedBody = z.strictObject({
  format,
  mode: z.enum(['auto', 'live']),
  rated: z.boolean().default(false),
  p1: side,
  p2: side,
  origin: z.enum(['tournament', 'matchmaking']),
  origin_ref: z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 printable ASCII characters'),
});
const teamParams = z.object({ id: z.uuid('must be a trainer id'), team: z.uuid('must be a team id') });
const teamQuery = z.strictObject({ format });
const winsQuery = z.strictObject({
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  mode: z.enum(['ai', 'pvp']).optional(),
  format: format.optional(),
});
const trainerParam = z.object({ id: z.uuid('must be a trainer id') });
const retentionBody = z.strictObject({
  battle_log_days: z.number().int().min(1).max(3650),
  limit: z.number().int().min(1).max(100_000).default(1000),
});
const refreshBody = z.strictObject({ limit: z.number().int().min(1).max(10_000).default(200) });

export interface InternalDeps {
  tokens: ServiceTokens;
  battles: Battles;
  trainers: Trainers;
  enricher: Enricher;
  rating: (trainerId: string, format: FormatId) => Promise<number | undefined>;
  wins: (trainerId: string, since: Date, filter: { mode?: string; format?: string }) => Promise<number>;
}

export function internalRoutes<R extends Routes>(r: R, deps: InternalDeps): R {
  const { tokens, battles } = deps;
  r.post('/internal/battles', async (req, res) => {
    tokens.caller(req);
    const input = body(req, arrangedBody);
    const { battle, created } = await battles.arranged(input);
    res.status(created ? 201 : 200).json({
      id: battle.id,
      format: battle.format,
      status: battle.status,
      rated: battle.rated,
      origin: battle.origin,
      origin_ref: battle.originRef,
      p1: battle.p1Trainer,
      p2: battle.p2Trainer,
      turn: battle.turn,
      winner: battle.winner,
      winner_id: battle.winner === 'p1' ? battle.p1Trainer : battle.winner === 'p2' ? battle.p2Trainer : null,
    });
  });

  r.get('/internal/trainers/:id/teams/:team', async (req, res) => {
    tokens.caller(req);
    const { id, team } = parse(teamParams, req.params);
    const { format: f } = query(req, teamQuery);
    await battles.checkTeam(id, team, f);
    const trainer = await deps.trainers.profile(id);
    res.json({
      trainer_id: id,
      name: trainer.name,
      team_id: team,
      format: f,
      rating: Math.round((await deps.rating(id, f)) ?? INITIAL_RATING.rating),
    });
  });

  r.get('/internal/trainers/:id/wins', async (req, res) => {
    tokens.caller(req);
    const { id } = parse(trainerParam, req.params);
    const q = query(req, winsQuery);
    res.json({ trainer_id: id, wins: await deps.wins(id, new Date(q.since), q) });
  });

  r.post('/internal/retention', async (req, res) => {
    tokens.caller(req);
    const input = body(req, retentionBody);
    res.json({ purged_battle_logs: await battles.purgeLogs(input.battle_log_days, input.limit) });
  });

  r.post('/internal/pokedex/refresh', async (req, res) => {
    tokens.caller(req);
    const input = body(req, refreshBody);
    if (!(deps.enricher instanceof PokeapiEnricher)) {
      res.json({ refreshed: 0, failed: 0, fetcher: 'off' });
      return;
    }
    res.json(await deps.enricher.refreshExpired(input.limit));
  });
  return r;
}
