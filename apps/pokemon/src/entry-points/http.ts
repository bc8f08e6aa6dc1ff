// HTTP entry points of the pokemon service: parse and validate, call the use case, shape the answer.
import type { Request, Response, Router } from 'express';
import { HttpError, ValidationError, body, idempotencyKey, parse, query, text, z } from '@gameday/telemetry';
import { playerIdentity } from '@gameday/platform';
import type { PokemonRow, TeamRow, TrainerRow } from '../data-access/trainers-repository';
import type { BattleRow } from '../data-access/battles-repository';
import type { Battles, BattleView } from '../domain/battles';
import { HOUSE_TRAINER_ID } from '../domain/battles';
import { UnknownDexEntry, decodeSpeciesCursor } from '../domain/dex';
import type { Pokedex } from '../domain/dex';
import type { Enricher } from '../domain/enrichment';
import { DEFAULT_FORMAT, FORMATS, MAX_TEAM_SIZE, formatInfo, pokemonInput } from '../domain/sets';
import type { FormatId } from '../domain/sets';
import { etagOf } from '../domain/trainers';
import type { Precondition, TeamView, Trainers } from '../domain/trainers';

type Routes = Pick<Router, 'get' | 'post' | 'put' | 'delete'>;

export const PREFIX = '/api/v1/pokemon';

const uuidParam = (what: string) => z.object({ id: z.uuid(`must be a ${what} id (a UUID)`) });
const limit = (max: number, fallback: number) =>
  z.coerce.number().int('must be a whole number').min(1).max(max).default(fallback);
const format = z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` });

/** A page position over (created_at, id), encoded for the client. */
const createdCursor = z
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
  });
const encodeCreated = (row: { createdAt: Date; id: string }) =>
  Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');

const speciesQuery = z.strictObject({
  q: z.string().max(40).optional(),
  type: z.string().max(20).optional(),
  ability: z.string().max(40).optional(),
  move: z.string().max(40).optional(),
  generation: z.coerce.number().int('must be a whole number').min(1).max(9).optional(),
  tier: z.string().max(20).optional(),
  limit: limit(100, 20),
  cursor: z
    .string()
    .max(200)
    .transform((value, ctx) => {
      const c = decodeSpeciesCursor(value);
      if (!c) {
        ctx.addIssue({ code: 'custom', message: 'must be the next_cursor of a previous page' });
        return z.NEVER;
      }
      return c;
    })
    .optional(),
});
const movesQuery = z.strictObject({
  q: z.string().max(40).optional(),
  type: z.string().max(20).optional(),
  category: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['physical', 'special', 'status'], { error: 'must be physical, special or status' }))
    .optional(),
  limit: limit(100, 20),
  cursor: z
    .string()
    .max(100)
    .transform((value, ctx) => {
      const id = Buffer.from(value, 'base64url').toString('utf8');
      if (!/^[a-z0-9]{1,40}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: 'must be the next_cursor of a previous page' });
        return z.NEVER;
      }
      return id;
    })
    .optional(),
});
const dexId = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/, 'must be a pokédex id (e.g. "pikachu" or "25")'),
});

const trainerName = text({
  min: 2,
  max: 24,
  pattern: {
    // eslint-disable-next-line security/detect-unsafe-regex -- one optional group, linear (measured), and the length is limited first
    regex: /^[\p{L}\p{N}](?:[\p{L}\p{N} _.'-]*[\p{L}\p{N}])?$/u,
    description:
      'letters, digits, spaces, ".", "\'", "_" and "-" (starting and ending with a letter or digit)',
  },
});
const teamName = text({ min: 1, max: 40 });
const trainerBody = z.strictObject({ name: trainerName });
const teamBody = z.strictObject({
  name: teamName,
  format: format.default(DEFAULT_FORMAT),
  pokemon: z
    .array(z.uuid('must be the id of one of your Pokémon'))
    .min(1, 'must list 1 to 6 Pokémon')
    .max(MAX_TEAM_SIZE, `must list 1 to ${MAX_TEAM_SIZE} Pokémon (a team has at most six)`)
    .refine((ids) => new Set(ids).size === ids.length, 'must not list a Pokémon twice'),
});
const importBody = z.strictObject({
  name: teamName,
  format: format.default(DEFAULT_FORMAT),
  text: z.string().min(1, "must be a team in Pokémon Showdown's text format").max(20_000),
});
const listQuery = z.strictObject({ limit: limit(100, 20), cursor: createdCursor.optional() });
const battleBody = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      mode: z.literal('ai'),
      format: format.default(DEFAULT_FORMAT),
      team_id: z.uuid('must be a team id'),
    }),
    z.strictObject({
      mode: z.literal('pvp'),
      format: format.default(DEFAULT_FORMAT),
      team_id: z.uuid('must be a team id'),
      opponent_id: z.uuid('must be a trainer id (their player id)'),
      rated: z.boolean().default(true),
    }),
  ],
  { error: 'must be "ai" (an instant battle against the AI) or "pvp" (a challenge to another trainer)' },
);
const acceptBody = z.strictObject({ team_id: z.uuid('must be a team id') });
const choiceBody = z.strictObject({
  choice: z
    .string()
    .min(1, 'must be a choice such as "move 1", "switch 2", "team 123456" or "default"')
    .max(100)
    .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (e.g. "move 1")'),
});
const formatParam = z.object({ format });
const battleQuery = z.strictObject({
  log_from: z.coerce.number().int('must be a whole number').min(0).max(10_000_000).default(0),
});
const ratingsQuery = z.strictObject({ limit: limit(100, 20) });

/**
 * The version a PUT or DELETE was based on (If-Match: "v3", or * for any). Missing: 428 (a lost
 * update is the thing optimistic concurrency is here to prevent).
 */
function ifMatch(req: Request): Precondition {
  const value = req.headers['if-match'];
  if (value === undefined) {
    throw new HttpError(
      428,
      'precondition-required',
      'Precondition required',
      'Send If-Match with the ETag you read (GET the resource first), or If-Match: * to overwrite whatever is there.',
    );
  }
  if (value.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"v(\d{1,9})"\s*$/.exec(value);
  if (!match) {
    throw new ValidationError([
      {
        pointer: '/headers/if-match',
        field: 'If-Match',
        detail: 'must be an ETag this service gave (e.g. "v3") or *',
      },
    ]);
  }
  return Number(match[1]);
}

const pokemonJson = (p: PokemonRow) => ({
  id: p.id,
  ...p.spec,
  version: p.version,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
});
const teamJson = (t: TeamRow) => ({
  id: t.id,
  name: t.name,
  format: t.format,
  pokemon: t.members,
  version: t.version,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});
const teamViewJson = (v: TeamView) => ({ ...teamJson(v.team), members: v.members.map(pokemonJson) });
const trainerJson = (t: TrainerRow) => ({
  id: t.id,
  name: t.name,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});

const battleSummary = (b: BattleRow) => ({
  id: b.id,
  format: b.format,
  mode: b.mode,
  status: b.status,
  rated: b.rated,
  players: {
    p1: { trainer_id: b.p1Trainer, name: b.p1Name },
    p2: { trainer_id: b.p2Trainer ?? HOUSE_TRAINER_ID, name: b.p2Name, ai: b.p2Trainer === null },
  },
  turn: b.turn,
  winner: b.winner,
  end_reason: b.endReason,
  created_at: b.createdAt.toISOString(),
  started_at: b.startedAt?.toISOString() ?? null,
  finished_at: b.finishedAt?.toISOString() ?? null,
});
const battleJson = (v: BattleView) => ({
  ...battleSummary(v.battle),
  your_side: v.side ?? null,
  waiting_for: v.waitingFor,
  turn_deadline: v.battle.turnDeadline?.toISOString() ?? null,
  request: v.request ? { kind: v.request.kind, ...v.request.request } : null,
  seed: v.battle.status === 'finished' ? v.battle.seed : undefined,
  log_hash: v.battle.logHash,
  log_offset: v.logOffset,
  log_next: v.logNext,
  log: v.log,
});

function withEtag(res: Response, version: number): Response {
  return res.setHeader('ETag', etagOf(version));
}

/** A filter naming no pokédex entry is a 400 naming the query field. */
function dexQuery<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof UnknownDexEntry) {
      throw new ValidationError([{ pointer: `?/${e.field}`, field: e.field, detail: `${e.message}` }]);
    }
    throw e;
  }
}

export interface PokemonRoutesDeps {
  dex: Pokedex;
  trainers: Trainers;
  battles: Battles;
  ratings: (format: FormatId, limit: number) => Promise<unknown[]>;
  trainerRatings: (trainerId: string) => Promise<unknown[]>;
  enricher: Enricher;
}

/** The pokédex: public data, read by anyone with a token. */
export function pokedexRoutes<R extends Routes>(
  r: R,
  { dex, enricher }: Pick<PokemonRoutesDeps, 'dex' | 'enricher'>,
): R {
  r.get(`${PREFIX}/species`, (req, res) => {
    playerIdentity(req);
    const q = query(req, speciesQuery);
    res.json(dexQuery(() => dex.searchSpecies(q, q.limit, q.cursor)));
  });

  r.get(`${PREFIX}/species/:id`, async (req, res) => {
    playerIdentity(req);
    const { id } = parse(dexId, req.params);
    const species = dex.findSpecies(id.toLowerCase().replace(/[^a-z0-9]/g, ''));
    if (!species)
      throw new HttpError(404, 'not-found', 'Not found', `No species "${id}" in the generation 9 pokédex.`);
    const enrichment = await enricher.enrich(species);
    res.json({ ...dex.speciesDetail(species), ...enrichment });
  });

  r.get(`${PREFIX}/moves`, (req, res) => {
    playerIdentity(req);
    const q = query(req, movesQuery);
    res.json(dexQuery(() => dex.searchMoves(q, q.limit, q.cursor)));
  });

  r.get(`${PREFIX}/moves/:id`, (req, res) => {
    playerIdentity(req);
    const { id } = parse(dexId, req.params);
    const move = dex.gen.moves.get(id);
    if (!move) throw new HttpError(404, 'not-found', 'Not found', `No move "${id}" in generation 9.`);
    res.json(dex.moveSummary(move));
  });

  r.get(`${PREFIX}/abilities`, (req, res) => {
    playerIdentity(req);
    res.json({ items: dex.abilities() });
  });

  r.get(`${PREFIX}/types`, (req, res) => {
    playerIdentity(req);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.json({ items: dex.typeChart() });
  });

  r.get(`${PREFIX}/natures`, (req, res) => {
    playerIdentity(req);
    res.json({ items: dex.natures() });
  });

  r.get(`${PREFIX}/formats`, (req, res) => {
    playerIdentity(req);
    res.json({ default: DEFAULT_FORMAT, items: FORMATS.map(formatInfo) });
  });
  return r;
}

export function trainerRoutes<R extends Routes>(r: R, deps: PokemonRoutesDeps): R {
  const { trainers } = deps;
  r.get(`${PREFIX}/trainers/me`, async (req, res) => {
    const who = playerIdentity(req);
    const trainer = await trainers.ensure(who.playerId);
    res.json({ ...trainerJson(trainer), ratings: await deps.trainerRatings(who.playerId) });
  });

  r.put(`${PREFIX}/trainers/me`, async (req, res) => {
    const who = playerIdentity(req);
    const input = body(req, trainerBody);
    const { trainer, created } = await trainers.rename(who.playerId, input.name);
    if (created) res.location(`${PREFIX}/trainers/${trainer.id}`);
    res.status(created ? 201 : 200).json(trainerJson(trainer));
  });

  r.get(`${PREFIX}/trainers/me/pokemon`, async (req, res) => {
    const who = playerIdentity(req);
    const q = query(req, listQuery);
    const rows = await trainers.listPokemon(who.playerId, q.limit + 1, q.cursor);
    const items = rows.slice(0, q.limit);
    res.json({
      items: items.map(pokemonJson),
      next_cursor: rows.length > q.limit ? encodeCreated(items[items.length - 1]!) : null,
    });
  });

  r.post(`${PREFIX}/trainers/me/pokemon`, async (req, res) => {
    const who = playerIdentity(req);
    const input = body(req, pokemonInput);
    const p = await trainers.createPokemon(who.playerId, input);
    withEtag(res, p.version)
      .status(201)
      .location(`${PREFIX}/trainers/me/pokemon/${p.id}`)
      .json(pokemonJson(p));
  });

  r.get(`${PREFIX}/trainers/me/pokemon/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('Pokémon'), req.params);
    const p = await trainers.getPokemon(who.playerId, id);
    withEtag(res, p.version).json(pokemonJson(p));
  });

  r.put(`${PREFIX}/trainers/me/pokemon/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('Pokémon'), req.params);
    const version = ifMatch(req);
    const input = body(req, pokemonInput);
    const p = await trainers.replacePokemon(who.playerId, id, version, input);
    withEtag(res, p.version).json(pokemonJson(p));
  });

  r.delete(`${PREFIX}/trainers/me/pokemon/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('Pokémon'), req.params);
    await trainers.deletePokemon(who.playerId, id, ifMatch(req));
    res.status(204).end();
  });

  r.get(`${PREFIX}/trainers/me/teams`, async (req, res) => {
    const who = playerIdentity(req);
    res.json({ items: (await trainers.listTeams(who.playerId)).map(teamJson) });
  });

  r.post(`${PREFIX}/trainers/me/teams`, async (req, res) => {
    const who = playerIdentity(req);
    const input = body(req, teamBody);
    const view = await trainers.createTeam(who.playerId, input);
    withEtag(res, view.team.version)
      .status(201)
      .location(`${PREFIX}/trainers/me/teams/${view.team.id}`)
      .json(teamViewJson(view));
  });

  r.post(`${PREFIX}/trainers/me/teams/import`, async (req, res) => {
    const who = playerIdentity(req);
    const input = body(req, importBody);
    const view = await trainers.importTeam(who.playerId, input);
    withEtag(res, view.team.version)
      .status(201)
      .location(`${PREFIX}/trainers/me/teams/${view.team.id}`)
      .json(teamViewJson(view));
  });

  r.get(`${PREFIX}/trainers/me/teams/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('team'), req.params);
    const view = await trainers.getTeam(who.playerId, id);
    withEtag(res, view.team.version).json(teamViewJson(view));
  });

  r.get(`${PREFIX}/trainers/me/teams/:id/export`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('team'), req.params);
    res.type('text/plain').send(await trainers.exportTeam(who.playerId, id));
  });

  r.put(`${PREFIX}/trainers/me/teams/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('team'), req.params);
    const version = ifMatch(req);
    const input = body(req, teamBody);
    const view = await trainers.replaceTeam(who.playerId, id, version, input);
    withEtag(res, view.team.version).json(teamViewJson(view));
  });

  r.delete(`${PREFIX}/trainers/me/teams/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('team'), req.params);
    await trainers.deleteTeam(who.playerId, id, ifMatch(req));
    res.status(204).end();
  });

  r.get(`${PREFIX}/trainers/:id`, async (req, res) => {
    playerIdentity(req);
    const { id } = parse(uuidParam('trainer'), req.params);
    const trainer = await trainers.profile(id);
    res.json({ ...trainerJson(trainer), ratings: await deps.trainerRatings(id) });
  });

  r.get(`${PREFIX}/ratings/:format`, async (req, res) => {
    playerIdentity(req);
    const { format: f } = parse(formatParam, req.params);
    const q = query(req, ratingsQuery);
    res.json({ format: f, items: await deps.ratings(f, q.limit) });
  });
  return r;
}

export function battleRoutes<R extends Routes>(r: R, { battles }: Pick<PokemonRoutesDeps, 'battles'>): R {
  r.get(`${PREFIX}/battles`, async (req, res) => {
    const who = playerIdentity(req);
    const q = query(req, listQuery);
    const rows = await battles.list(who.playerId, q.limit + 1, q.cursor);
    const items = rows.slice(0, q.limit);
    res.json({
      items: items.map(battleSummary),
      next_cursor: rows.length > q.limit ? encodeCreated(items[items.length - 1]!) : null,
    });
  });

  r.post(`${PREFIX}/battles`, async (req, res) => {
    const who = playerIdentity(req);
    const key = idempotencyKey(req, false);
    const input = body(req, battleBody);
    const { view, replayed } =
      input.mode === 'ai'
        ? await battles.instant(who.playerId, { format: input.format, team_id: input.team_id }, key)
        : await battles.challenge(who.playerId, input, key);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).location(`${PREFIX}/battles/${view.battle.id}`).json(battleJson(view));
  });

  r.get(`${PREFIX}/battles/:id`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('battle'), req.params);
    const q = query(req, battleQuery);
    res.json(battleJson(await battles.view(who.playerId, id, q.log_from)));
  });

  r.post(`${PREFIX}/battles/:id/accept`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('battle'), req.params);
    const input = body(req, acceptBody);
    res.json(battleJson(await battles.accept(who.playerId, id, input.team_id)));
  });

  r.post(`${PREFIX}/battles/:id/choices`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('battle'), req.params);
    const key = idempotencyKey(req, false);
    const input = body(req, choiceBody);
    const { view, replayed } = await battles.choose(who.playerId, id, input.choice, key);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.json(battleJson(view));
  });

  r.post(`${PREFIX}/battles/:id/forfeit`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('battle'), req.params);
    res.json(battleJson(await battles.forfeit(who.playerId, id)));
  });

  r.get(`${PREFIX}/battles/:id/replay`, async (req, res) => {
    const who = playerIdentity(req);
    const { id } = parse(uuidParam('battle'), req.params);
    res.json(await battles.replay(who.playerId, id));
  });
  return r;
}
