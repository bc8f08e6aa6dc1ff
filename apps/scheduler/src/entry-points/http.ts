// HTTP entry points of the scheduler: tournaments, the matchmaking queue, daily challenges, and the
// admin view of the job queues (depths, dead jobs, retry).
import { createHash } from 'node:crypto';
import type { Router } from 'express';
import {
  ConflictError,
  NotFoundError,
  body,
  idempotencyKey,
  parse,
  query,
  text,
  z,
} from '@gameday/telemetry';
import { adminIdentity, playerIdentity } from '@gameday/platform';
import type { Match, QueueEntry, Store, Tournament } from '../data-access/store';
import type { DailyChallenges } from '../domain/daily';
import type { Matchmaker } from '../domain/matchmaker';
import { standings, TOURNAMENT_KINDS } from '../domain/tournaments';
import type { TournamentRunner } from '../domain/tournament-runner';
import type { Jobs } from '../jobs';
import { QUEUES } from '../jobs';

type Routes = Pick<Router, 'get' | 'post' | 'delete'>;

import { DEFAULT_FORMAT, FORMATS } from '@gameday/pokemon/contract';

const format = z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` });
const idParam = z.object({ id: z.uuid('must be a tournament id (a UUID)') });
const createBody = z.strictObject({
  name: text({ min: 3, max: 60 }),
  format: format.default(DEFAULT_FORMAT),
  kind: z.enum(TOURNAMENT_KINDS).default('single-elimination'),
  max_entrants: z.number().int().min(2).max(64).default(8),
  starts_at: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() > Date.now() - 60_000, 'must not be in the past')
    .refine((d) => d.getTime() < Date.now() + 30 * 86_400_000, 'must be within 30 days')
    .optional(),
});
const listQuery = z.strictObject({
  status: z.enum(['open', 'running', 'finished', 'cancelled']).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(20),
});
const entryBody = z.strictObject({ team_id: z.uuid('must be a team id') });
const queueBody = z.strictObject({
  format: format.default(DEFAULT_FORMAT),
  team_id: z.uuid('must be a team id'),
});
const claimParams = z.object({
  day: z.iso.date('must be a date like 2026-12-07'),
  key: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a challenge key'),
});
const deadQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const jobParam = z.object({ id: z.uuid('must be a job id') });
const runParam = z.object({
  queue: z.enum([QUEUES.retention, QUEUES.fetcherRefresh, QUEUES.challenges], {
    error: `must be one of ${QUEUES.retention}, ${QUEUES.fetcherRefresh}, ${QUEUES.challenges}`,
  }),
});

const tournamentJson = (t: Tournament) => ({
  id: t.id,
  name: t.name,
  format: t.format,
  kind: t.kind,
  status: t.status,
  max_entrants: t.max_entrants,
  rounds: t.rounds,
  current_round: t.current_round,
  starts_at: t.starts_at.toISOString(),
  started_at: t.started_at?.toISOString() ?? null,
  finished_at: t.finished_at?.toISOString() ?? null,
  winner_id: t.winner_id,
});
const matchJson = (m: Match) => ({
  round: m.round,
  slot: m.slot,
  p1: m.p1,
  p2: m.p2,
  battle_id: m.battle_id,
  winner_id: m.winner_id,
  draw: m.draw,
  played_at: m.played_at?.toISOString() ?? null,
});
const queueJson = (e: QueueEntry, window: number | null) => ({
  id: e.id,
  status: e.status,
  format: e.format,
  team_id: e.team_id,
  rating: e.rating,
  enqueued_at: e.enqueued_at.toISOString(),
  window: e.status === 'waiting' ? window : null,
  battle_id: e.battle_id,
  opponent_id: e.opponent_id,
  matched_at: e.matched_at?.toISOString() ?? null,
});

export interface SchedulerDeps {
  store: Store;
  tournaments: TournamentRunner;
  matchmaker: Matchmaker;
  challenges: DailyChallenges;
  jobs: Jobs;
}

/** Idempotency for joins: a retried request with its key answers as the first did. */
async function once<T>(
  store: Store,
  playerId: string,
  key: string | undefined,
  operation: string,
  request: unknown,
  work: () => Promise<{ id: string; value: T }>,
  replay: (id: string) => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  if (!key) return { value: (await work()).value, replayed: false };
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
  const { rows } = await store.pool.query<{ operation: string; request_hash: string; resource_id: string }>(
    'SELECT operation, request_hash, resource_id FROM idempotency_keys WHERE player_id = $1 AND key = $2',
    [playerId, key],
  );
  const seen = rows[0];
  if (seen) {
    if (seen.operation !== operation || seen.request_hash !== hash) {
      throw new ConflictError(
        'This Idempotency-Key was used for a different request: use a new key.',
        'idempotency-key-reused',
      );
    }
    return { value: await replay(seen.resource_id), replayed: true };
  }
  const done = await work();
  await store.pool.query(
    `INSERT INTO idempotency_keys (player_id, key, operation, request_hash, resource_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [playerId, key, operation, hash, done.id],
  );
  return { value: done.value, replayed: false };
}

export function schedulerRoutes<R extends Routes>(r: R, deps: SchedulerDeps): R {
  const { store, tournaments, matchmaker, challenges, jobs } = deps;

  r.get('/api/v1/tournaments', async (req, res) => {
    playerIdentity(req);
    const q = query(req, listQuery);
    res.json({ items: (await store.tournaments(q.status, q.limit)).map(tournamentJson) });
  });

  r.post('/api/v1/tournaments', async (req, res) => {
    const who = adminIdentity(req, 'Creating a tournament');
    const input = body(req, createBody);
    const t = await tournaments.create({
      name: input.name,
      format: input.format,
      kind: input.kind,
      max_entrants: input.max_entrants,
      starts_at: input.starts_at ?? new Date(Date.now() + 60_000),
      created_by: who.playerId,
    });
    res.status(201).location(`/api/v1/tournaments/${t.id}`).json(tournamentJson(t));
  });

  r.get('/api/v1/tournaments/:id', async (req, res) => {
    playerIdentity(req);
    const { id } = parse(idParam, req.params);
    const t = await store.tournament(id);
    if (!t) throw new NotFoundError('No such tournament.');
    const entries = await store.entries(id);
    const matches = await store.matches(id);
    const table =
      t.kind === 'swiss'
        ? standings(
            entries.map((e) => ({ trainerId: e.trainer_id, rating: e.rating, seed: e.seed ?? 0 })),
            matches
              .filter((m) => m.played_at)
              .map((m) => ({ round: m.round, p1: m.p1, p2: m.p2, winner: m.draw ? null : m.winner_id })),
          ).map((s) => ({ trainer_id: s.trainerId, points: s.points, buchholz: s.buchholz }))
        : undefined;
    res.json({
      ...tournamentJson(t),
      entries: entries.map((e) => ({ trainer_id: e.trainer_id, rating: e.rating, seed: e.seed })),
      matches: matches.map(matchJson),
      ...(table ? { standings: table } : {}),
    });
  });

  r.post('/api/v1/tournaments/:id/entries', async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(idParam, req.params);
    const key = idempotencyKey(req, false);
    const input = body(req, entryBody);
    const { replayed } = await once(
      store,
      who.playerId,
      key,
      'tournament.join',
      { id, ...input },
      async () => {
        await tournaments.join(id, who.playerId, input.team_id);
        return { id, value: undefined };
      },
      async () => undefined,
    );
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json({ tournament_id: id, trainer_id: who.playerId, team_id: input.team_id });
  });

  r.post('/api/v1/matchmaking/queue', async (req, res) => {
    const who = playerIdentity(req);
    const key = idempotencyKey(req, false);
    const input = body(req, queueBody);
    const { value, replayed } = await once(
      store,
      who.playerId,
      key,
      'matchmaking.join',
      input,
      async () => {
        const entry = await matchmaker.join(who.playerId, input.format, input.team_id);
        return { id: entry.id, value: entry };
      },
      async (id) => (await store.queueEntry(id))!,
    );
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(queueJson(value, matchmaker.windowNow(value)));
  });

  r.get('/api/v1/matchmaking/queue/me', async (req, res) => {
    const who = playerIdentity(req);
    const entry = await store.latestQueueEntry(who.playerId);
    if (!entry) throw new NotFoundError('You have not queued: POST /api/v1/matchmaking/queue.');
    res.json(queueJson(entry, matchmaker.windowNow(entry)));
  });

  r.delete('/api/v1/matchmaking/queue/me', async (req, res) => {
    const who = playerIdentity(req);
    if (!(await store.leaveQueue(who.playerId))) throw new NotFoundError('You are not waiting in the queue.');
    res.status(204).end();
  });

  r.get('/api/v1/challenges/today', async (req, res) => {
    const who = playerIdentity(req);
    const list = await challenges.list(who.playerId);
    res.json({
      day: new Date().toISOString().slice(0, 10),
      items: list.map((c) => ({
        key: c.key,
        category: c.category,
        difficulty: c.difficulty,
        title: c.title,
        goal: c.goal,
        reward_points: c.reward_points,
        completed_at: c.completed_at ? new Date(c.completed_at).toISOString() : null,
      })),
    });
  });

  r.post('/api/v1/challenges/:day/:key/claim', async (req, res) => {
    const who = playerIdentity(req);
    const { day, key } = parse(claimParams, req.params);
    const done = await challenges.claim(who.playerId, day, key);
    res.status(201).json({ day, key, ...done });
  });

  r.get('/api/v1/scheduler/queues', async (req, res) => {
    adminIdentity(req, 'The job queues');
    const queues = await jobs.queues();
    res.json({
      items: queues.map((q) => ({
        name: q.name,
        policy: q.policy,
        ready: q.readyCount,
        deferred: q.deferredCount,
        active: q.activeCount,
        failed: q.failedCount,
        total: q.totalCount,
        retry_limit: q.retryLimit ?? null,
        dead_letter: q.deadLetter ?? null,
      })),
    });
  });

  // Runs a periodic job now (retention after changing its policy, a fetcher refresh after an outage).
  r.post('/api/v1/scheduler/queues/:queue/run', async (req, res) => {
    adminIdentity(req, 'Running a job');
    const { queue } = parse(runParam, req.params);
    const id = await jobs.send(queue, {});
    res.status(202).json({ queue, job_id: id });
  });

  r.get('/api/v1/scheduler/dead-jobs', async (req, res) => {
    adminIdentity(req, 'Dead jobs');
    const q = query(req, deadQuery);
    const dead = await jobs.dead(q.limit);
    res.json({
      items: dead.map((j) => ({
        id: j.id,
        queue: j.sourceName,
        data: j.data,
        output: j.output ?? null,
        created_on: new Date(j.createdOn).toISOString(),
      })),
    });
  });

  r.post('/api/v1/scheduler/dead-jobs/:id/retry', async (req, res) => {
    adminIdentity(req, 'Retrying a dead job');
    const { id } = parse(jobParam, req.params);
    const sent = await jobs.redrive(id);
    if (!sent) throw new NotFoundError('No such dead job.');
    if (sent.job_id === null) {
      throw new ConflictError(
        `A ${sent.queue} job is already waiting to run: the dead job stays; retry it once that one has run.`,
        'job-already-queued',
      );
    }
    res.status(202).json(sent);
  });
  return r;
}
