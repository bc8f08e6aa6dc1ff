// The pokemon part of the OpenAPI document: paths, tags, schemas, and the answers of its optimistic
// concurrency (412, 428). The formats are the service's own (@gameday/pokemon/contract), so the
// document names no format it lacks. Every rule the service checks (apps/pokemon/src/entry-points/http.ts
// and the Pokémon's shape in apps/pokemon/src/domain/sets.ts) is stated as JSON Schema where JSON Schema
// can state it; what depends on the pokédex (species, abilities, learnable moves, a format's bans and
// clauses) is checked by the service only, and is said in the descriptions.
import { DEFAULT_FORMAT, FORMATS } from '@gameday/pokemon/contract';
import { bodyResponses, gatewayResponses, json, problem, ref, strict, uuid } from './openapi-common';

const P = '/api/v1/pokemon';
const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

// C0/C1 controls, DEL and the bidi overrides/isolates: what telemetry's `text()` refuses.
const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069';
const ASTRAL = '[\\u{10000}-\\u{10FFFF}]';
const NOT_ASTRAL = '[^\\u{10000}-\\u{10FFFF}]';

/**
 * A text field as telemetry's `text()` reads it (trimmed, NFC): no control or bidi-override
 * characters, and something besides white space. Lengths are in code points, after trimming.
 */
const text = (maxLength: number, description?: string) => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: `^[^${CONTROLS}]*[^\\s${CONTROLS}][^${CONTROLS}]*$`,
  ...(description ? { description } : {}),
});

/**
 * At most `max` UTF-16 code units (what Pokémon Showdown's validator counts): each character outside
 * the Basic Multilingual Plane (an emoji) counts twice. With k of them, max - k characters fit.
 */
const utf16MaxLength = (max: number) =>
  `^(?:${range(0, Math.floor(max / 2) + 1)
    .map((k) => `(?=(?:${NOT_ASTRAL}*${ASTRAL}){${k}}${NOT_ASTRAL}*$)[\\s\\S]{0,${max - k}}`)
    .join('|')})$`;

/** A pokédex name (species, ability, move, item, nature, type): 1 to 40 characters. */
const dexName = (what: string, example: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 40,
  description: `A ${what} of generation 9, in any spelling Pokémon Showdown reads (e.g. "${example}").`,
});

const nullable = (of: Record<string, unknown>) => ({ ...of, type: [of.type as string, 'null'] });

const formatSchema = schema('Format');

// Parameters.

const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what}'s id.`,
  schema: uuid,
});
const dexIdParam = (what: string, example: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description:
    `The ${what}'s id, name or (species) national number: letters, digits and "-" ` + `(e.g. "${example}").`,
  schema: { type: 'string', pattern: '^[A-Za-z0-9-]{1,40}$' },
});
const limitParam = {
  name: 'limit',
  in: 'query',
  schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
};
const cursorParam = (maxLength: number) => ({
  name: 'cursor',
  in: 'query',
  description: 'The `next_cursor` of the previous page.',
  schema: { type: 'string', minLength: 1, maxLength },
});
const filterParam = (name: string, maxLength: number, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', maxLength },
});

const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: true,
  description:
    'The ETag you read (e.g. `"v3"`), or `*` to write whatever version is there. Without it the answer is ' +
    "428; with an ETag that is not the resource's current one, 412 with the `current_etag` to read again.",
  schema: { type: 'string', pattern: '^\\s*(?:\\*|(?:W/)?"v\\d{1,9}")\\s*$' },
};

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A unique key per battle (e.g. a UUID), reused on retries: a retry with the same key and body answers ' +
    'the battle the first request started (with `Idempotent-Replayed: true`) and starts no other; the same ' +
    'key with another body is a 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

// Answers.

const etag = { ETag: { $ref: '#/components/headers/ETag' } };
const location = { Location: { $ref: '#/components/headers/Location' } };
const ok = (description: string, name: string) => ({ description, content: json(name) });
const tagged = (description: string, name: string) => ({ description, headers: etag, content: json(name) });
const created = (description: string, name: string) => ({
  description,
  headers: { ...location, ...etag },
  content: json(name),
});

/** Reads of the pokédex and of your own resources. */
const read = (extra: Record<string, unknown> = {}) => ({
  '400': ref('BadRequest'),
  '401': ref('Unauthorized'),
  ...extra,
  ...gatewayResponses,
});
/** Writes with a JSON body. */
const write = (extra: Record<string, unknown> = {}) => ({
  ...bodyResponses,
  '401': ref('Unauthorized'),
  ...extra,
  ...gatewayResponses,
});
/** Writes of a versioned resource (If-Match). */
const versioned = {
  '404': ref('NotFound'),
  '412': ref('PreconditionFailed'),
  '428': ref('PreconditionRequired'),
};
/** Actions on a battle: it must exist, and be yours. */
const battleAnswers = { '403': ref('Forbidden'), '404': ref('NotFound') };

const op = (operationId: string, summary: string, rest: Record<string, unknown>) => ({
  operationId,
  tags: ['pokemon'],
  summary,
  ...rest,
});

export const pokemonTags = [
  {
    name: 'pokemon',
    description:
      'The pokédex (generation 9), your trainer, Pokémon and teams, battles against the AI and other ' +
      'trainers, and Glicko-2 ratings (the pokemon service).',
  },
];

export const pokemonPaths = {
  [`${P}/species`]: {
    get: op('listSpecies', 'Species, in national-number order', {
      description:
        'Every filter given must match. An unknown type, ability or move is a 400 naming the filter.',
      parameters: [
        filterParam('q', 40, 'Part of the species id (e.g. "chu").'),
        filterParam('type', 20, 'A type (e.g. "electric").'),
        filterParam('ability', 40, 'An ability (e.g. "levitate").'),
        filterParam('move', 40, 'A move the species can learn (e.g. "thunderbolt").'),
        {
          name: 'generation',
          in: 'query',
          description: 'The generation the species was introduced in.',
          schema: { type: 'integer', minimum: 1, maximum: 9 },
        },
        filterParam('tier', 20, 'A Smogon tier (e.g. "OU"), in any case: an unknown tier is a 400.'),
        limitParam,
        cursorParam(200),
      ],
      responses: { '200': ok('A page of species.', 'SpeciesPage'), ...read() },
    }),
  },
  [`${P}/species/{id}`]: {
    get: op('getSpecies', 'A species, with its learnset and PokeAPI enrichment', {
      description:
        'The bundled data, enriched from PokeAPI (flavour text, habitat, evolution chain, sprites) when ' +
        'the fetcher has it; `enrichment_status` says how (`disabled` when the operators turned it off). ' +
        "A number is the species' base form.",
      parameters: [dexIdParam('species', 'pikachu')],
      responses: { '200': ok('The species.', 'SpeciesDetail'), ...read({ '404': ref('NotFound') }) },
    }),
  },
  [`${P}/moves`]: {
    get: op('listMoves', 'Moves, by id', {
      parameters: [
        filterParam('q', 40, 'Part of the move id (e.g. "bolt").'),
        filterParam('type', 20, 'A type (e.g. "electric"): an unknown type is a 400.'),
        {
          name: 'category',
          in: 'query',
          description: 'physical, special or status, in any case.',
          schema: {
            type: 'string',
            pattern:
              '^(?:[Pp][Hh][Yy][Ss][Ii][Cc][Aa][Ll]|[Ss][Pp][Ee][Cc][Ii][Aa][Ll]|[Ss][Tt][Aa][Tt][Uu][Ss])$',
          },
        },
        limitParam,
        cursorParam(100),
      ],
      responses: { '200': ok('A page of moves.', 'MovePage'), ...read() },
    }),
  },
  [`${P}/moves/{id}`]: {
    get: op('getMove', 'A move', {
      parameters: [dexIdParam('move', 'thunderbolt')],
      responses: { '200': ok('The move.', 'Move'), ...read({ '404': ref('NotFound') }) },
    }),
  },
  [`${P}/abilities`]: {
    get: op('listAbilities', 'Every ability', {
      responses: {
        '200': ok('The abilities, by id.', 'Abilities'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    }),
  },
  [`${P}/types`]: {
    get: op('getTypeChart', 'The type chart', {
      responses: {
        '200': ok('Each type, with the damage multiplier of every attacking type on it.', 'TypeChart'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    }),
  },
  [`${P}/natures`]: {
    get: op('listNatures', 'Every nature', {
      responses: {
        '200': ok('The natures, by name.', 'Natures'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    }),
  },
  [`${P}/formats`]: {
    get: op('listFormats', 'The formats teams are built for and battles are played in', {
      responses: {
        '200': ok('The formats, and the default.', 'Formats'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    }),
  },
  [`${P}/trainers/me`]: {
    get: op('getMyTrainer', 'Your trainer profile and ratings', {
      description: 'Created on first use, named after your id until you name it.',
      responses: {
        '200': ok('Your trainer.', 'TrainerProfile'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    }),
    put: op('nameMyTrainer', 'Name your trainer', {
      requestBody: { required: true, content: json('TrainerInput') },
      responses: {
        '200': ok('Your renamed trainer.', 'Trainer'),
        '201': ok('Your trainer, created with this name.', 'Trainer'),
        ...write(),
      },
    }),
  },
  [`${P}/trainers/me/pokemon`]: {
    get: op('listMyPokemon', 'Your Pokémon, oldest first', {
      parameters: [limitParam, cursorParam(200)],
      responses: { '200': ok('A page of your Pokémon.', 'PokemonPage'), ...read() },
    }),
    post: op('createPokemon', 'Add a Pokémon', {
      description:
        'Checked against the pokédex (species, an ability of that species, moves it can learn, item, ' +
        "nature, tera type, gender) and, on its own, against Pokémon Showdown's rules; each problem " +
        'names its field (400).',
      requestBody: { required: true, content: json('PokemonInput') },
      responses: { '201': created('Your new Pokémon (version 1).', 'Pokemon'), ...write() },
    }),
  },
  [`${P}/trainers/me/pokemon/{id}`]: {
    get: op('getPokemon', 'One of your Pokémon', {
      parameters: [idParam('Pokémon')],
      responses: {
        '200': tagged('The Pokémon; its ETag names its version.', 'Pokemon'),
        ...read({ '404': ref('NotFound') }),
      },
    }),
    put: op('replacePokemon', 'Replace one of your Pokémon', {
      description: 'Checked as when it was added. Teams it is in are not checked again.',
      parameters: [idParam('Pokémon'), ifMatch],
      requestBody: { required: true, content: json('PokemonInput') },
      responses: { '200': tagged('The Pokémon, one version on.', 'Pokemon'), ...write(versioned) },
    }),
    delete: op('deletePokemon', 'Release one of your Pokémon', {
      description: 'A Pokémon in one of your teams is not released (409): take it out first.',
      parameters: [idParam('Pokémon'), ifMatch],
      responses: {
        '204': { description: 'Released.' },
        ...read({ ...versioned, '409': ref('Conflict') }),
      },
    }),
  },
  [`${P}/trainers/me/teams`]: {
    get: op('listTeams', 'Your teams', {
      responses: {
        '200': ok('Your teams, oldest first.', 'TeamList'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    }),
    post: op('createTeam', 'Build a team of your Pokémon', {
      description:
        "Checked against the format's rules (Pokémon Showdown's: bans, clauses, level caps); each problem " +
        'names the member at fault (`/pokemon/<i>`).',
      requestBody: { required: true, content: json('TeamInput') },
      responses: { '201': created('Your new team, with its members.', 'TeamDetail'), ...write() },
    }),
  },
  [`${P}/trainers/me/teams/import`]: {
    post: op('importTeam', "Import a team in Pokémon Showdown's text format", {
      description:
        'Creates each Pokémon of the text (checked as when added one by one, each problem under ' +
        '`/pokemon/<i>`) and the team (checked for its format), or nothing.',
      requestBody: { required: true, content: json('TeamImport') },
      responses: { '201': created('The new team, with its new members.', 'TeamDetail'), ...write() },
    }),
  },
  [`${P}/trainers/me/teams/{id}`]: {
    get: op('getTeam', 'One of your teams, with its members', {
      parameters: [idParam('team')],
      responses: {
        '200': tagged('The team; its ETag names its version.', 'TeamDetail'),
        ...read({ '404': ref('NotFound') }),
      },
    }),
    put: op('replaceTeam', 'Replace one of your teams', {
      parameters: [idParam('team'), ifMatch],
      requestBody: { required: true, content: json('TeamInput') },
      responses: { '200': tagged('The team, one version on.', 'TeamDetail'), ...write(versioned) },
    }),
    delete: op('deleteTeam', 'Delete one of your teams (its Pokémon stay yours)', {
      parameters: [idParam('team'), ifMatch],
      responses: { '204': { description: 'Deleted.' }, ...read(versioned) },
    }),
  },
  [`${P}/trainers/me/teams/{id}/export`]: {
    get: op('exportTeam', "One of your teams in Pokémon Showdown's text format", {
      parameters: [idParam('team')],
      responses: {
        '200': {
          description: 'The team, as Pokémon Showdown exports it (importable here and there).',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...read({ '404': ref('NotFound') }),
      },
    }),
  },
  [`${P}/trainers/{id}`]: {
    get: op('getTrainer', "A trainer's profile and ratings", {
      parameters: [{ ...idParam('trainer'), description: "The trainer's id (their player id)." }],
      responses: { '200': ok('The trainer.', 'TrainerProfile'), ...read({ '404': ref('NotFound') }) },
    }),
  },
  [`${P}/ratings/{format}`]: {
    get: op('getRatings', 'The best-rated trainers of a format', {
      parameters: [
        { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: FORMATS } },
        limitParam,
      ],
      responses: { '200': ok('The board, best first.', 'RatingBoard'), ...read() },
    }),
  },
  [`${P}/battles`]: {
    get: op('listBattles', 'Your battles, newest first', {
      parameters: [limitParam, cursorParam(200)],
      responses: { '200': ok('A page of your battles.', 'BattlePage'), ...read() },
    }),
    post: op('startBattle', 'Battle the AI, or challenge another trainer', {
      description:
        '`mode: ai` plays an instant battle against the AI to its end and answers it finished. ' +
        '`mode: pvp` challenges another trainer: a pending battle until they accept it with a team. ' +
        'The team must be one of yours, for the format, with none of its Pokémon released (400 naming ' +
        '`team_id`).',
      parameters: [idempotencyKey],
      requestBody: { required: true, content: json('BattleInput') },
      responses: {
        '201': {
          description:
            'The battle (or, replayed, the one the first request with this Idempotency-Key started).',
          headers: {
            ...location,
            'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
          },
          content: json('Battle'),
        },
        ...write({ '409': ref('Conflict') }),
      },
    }),
  },
  [`${P}/battles/{id}`]: {
    get: op('getBattle', 'One of your battles, as your side sees it', {
      description:
        'While it is your turn, `request` says what you may choose. `log_from` (a previous `log_next`) ' +
        'answers only the log lines that came since.',
      parameters: [
        idParam('battle'),
        {
          name: 'log_from',
          in: 'query',
          required: false,
          description: 'The log from this line on (default 0: all of it).',
          schema: { type: 'integer', minimum: 0, maximum: 10_000_000 },
        },
      ],
      responses: { '200': ok('The battle.', 'Battle'), ...read(battleAnswers) },
    }),
  },
  [`${P}/battles/{id}/accept`]: {
    post: op('acceptBattle', 'Accept a challenge with one of your teams', {
      description:
        'Only the challenged trainer accepts (403 for others, 409 for the challenger), once (409). ' +
        'The battle starts at team preview.',
      parameters: [idParam('battle')],
      requestBody: { required: true, content: json('AcceptInput') },
      responses: {
        '200': ok('The battle, started.', 'Battle'),
        ...write({ ...battleAnswers, '409': ref('Conflict') }),
      },
    }),
  },
  [`${P}/battles/{id}/choices`]: {
    post: op('chooseInBattle', 'Your choice for this turn', {
      description:
        "Pokémon Showdown's choice syntax: `move 1`, `move 2 terastallize`, `switch 3`, `team 123456`, " +
        "`default`. A choice the battle does not allow is a 400 (with the simulator's reason); a choice " +
        'is final (`undo` is refused). Before the battle starts, after it ends, or once your choice for ' +
        'the turn is in: 409. With an `Idempotency-Key`, a retried choice whose first attempt was applied ' +
        '(its answer lost) answers the battle as it is now, with `Idempotent-Replayed: true`, instead of ' +
        'being applied to the next turn.',
      parameters: [
        idParam('battle'),
        {
          ...idempotencyKey,
          description:
            'A unique key per choice (e.g. a UUID), reused on retries: the choice is applied once.',
        },
      ],
      requestBody: { required: true, content: json('Choice') },
      responses: {
        '200': {
          description: 'The battle after your choice (or, replayed, as it is now).',
          headers: { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } },
          content: json('Battle'),
        },
        ...write({ ...battleAnswers, '409': ref('Conflict') }),
      },
    }),
  },
  [`${P}/battles/{id}/forfeit`]: {
    post: op('forfeitBattle', 'Forfeit one of your battles', {
      description:
        'Your opponent wins (a rated battle moves both ratings). A pending or finished battle: 409.',
      parameters: [idParam('battle')],
      responses: {
        '200': ok('The battle, finished.', 'Battle'),
        ...read({ ...battleAnswers, '409': ref('Conflict') }),
      },
    }),
  },
  [`${P}/battles/{id}/replay`]: {
    get: op('replayBattle', 'Re-simulate one of your battles from its seed and choices', {
      description:
        'Whether the stored log and winner are what the seed and choices give. A pending battle: 409; a ' +
        'battle whose log retention removed (its result and log hash stay): 410.',
      parameters: [idParam('battle')],
      responses: {
        '200': ok('The verification.', 'ReplayReport'),
        ...read({ ...battleAnswers, '409': ref('Conflict'), '410': ref('Gone') }),
      },
    }),
  },
};

export const pokemonHeaders = {
  ETag: {
    description: 'The version of the resource (e.g. `"v3"`): send it in If-Match to change or delete it.',
    schema: { type: 'string', pattern: '^"v\\d+"$' },
  },
  IdempotentReplayed: {
    description:
      'Sent (as `true`) only when the answer is the one a first request with this Idempotency-Key got.',
    required: false,
    schema: { type: 'string', const: 'true' },
  },
};

export const pokemonResponses = {
  Gone: problem('It was there, and retention removed it (e.g. the log and choices of an old battle).'),
  PreconditionFailed: {
    description:
      'If-Match names another version than the current one (someone changed it since you read it): GET it ' +
      'again, or retry with `current_etag`.',
    content: { 'application/problem+json': { schema: schema('PreconditionFailedProblem') } },
  },
  PreconditionRequired: {
    description: 'If-Match is missing: send the ETag you read, or `*`.',
    content: { 'application/problem+json': { schema: schema('Problem') } },
  },
};

// Schemas.

const STATS = ['hp', 'attack', 'defense', 'special_attack', 'special_defense', 'speed'];
/** EVs or IVs as the service reads them: any of the six stats (missing ones default), whole numbers. */
const statsInput = (max: number, fallback: number, description: string) => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(STATS.map((s) => [s, { type: 'integer', minimum: 0, maximum: max }])),
  description: `${description} A stat left out is ${fallback}.`,
});
/** The six stats, all present (what the service answers). */
const statsTable = (minimum: number, maximum?: number) =>
  strict(
    STATS,
    Object.fromEntries(
      STATS.map((s) => [s, { type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) }]),
    ),
  );

const page = (item: string) =>
  strict(['items', 'next_cursor'], {
    items: { type: 'array', items: schema(item) },
    next_cursor: {
      type: ['string', 'null'],
      description: 'Pass it as `cursor` for the next page; null on the last.',
    },
  });
const items = (of: object) => strict(['items'], { items: { type: 'array', items: of } });

const side = { type: 'string', enum: ['p1', 'p2'] };
const nickname = {
  ...text(18),
  type: ['string', 'null'],
  // Both limits: 18 code points (the service's own check) and 18 UTF-16 code units (Pokémon Showdown's).
  allOf: [{ pattern: utf16MaxLength(18) }],
  description:
    'At most 18 characters, an emoji counting as two (after trimming surrounding white space and NFC ' +
    'normalisation); no control characters. Null or left out: none.',
};

const speciesSummaryProperties = {
  id: { type: 'string', pattern: '^[a-z0-9]+$' },
  name: { type: 'string' },
  national_number: { type: 'integer' },
  types: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
  base_stats: statsTable(1),
  base_stat_total: { type: 'integer', minimum: 1 },
  generation: { type: 'integer', minimum: 1, maximum: 9 },
  tier: { type: 'string' },
};

const battleSummaryProperties = {
  id: uuid,
  format: formatSchema,
  mode: { type: 'string', enum: ['ai', 'pvp'] },
  status: {
    type: 'string',
    enum: ['pending', 'active', 'finished'],
    description: 'pending: a challenge not accepted yet; active: being played; finished.',
  },
  rated: { type: 'boolean' },
  players: strict(['p1', 'p2'], {
    p1: strict(['trainer_id', 'name'], { trainer_id: uuid, name: { type: 'string' } }),
    p2: strict(['trainer_id', 'name', 'ai'], {
      trainer_id: { ...uuid, description: 'The nil UUID for the AI.' },
      name: { type: 'string' },
      ai: { type: 'boolean' },
    }),
  }),
  turn: { type: 'integer', minimum: 0 },
  winner: { type: ['string', 'null'], enum: ['p1', 'p2', 'tie', null] },
  end_reason: { type: ['string', 'null'], enum: ['normal', 'forfeit', 'timeout', null] },
  created_at: dateTime,
  started_at: nullableDateTime,
  finished_at: nullableDateTime,
};
const battleSummaryRequired = Object.keys(battleSummaryProperties);

const teamProperties = {
  id: uuid,
  name: { type: 'string' },
  format: formatSchema,
  pokemon: { type: 'array', items: uuid, description: "The members' ids, in team order." },
  version: { type: 'integer', minimum: 1 },
  created_at: dateTime,
  updated_at: dateTime,
};

const trainerProperties = {
  id: { ...uuid, description: "The trainer's player id." },
  name: { type: 'string' },
  created_at: dateTime,
  updated_at: dateTime,
};

export const pokemonSchemas = {
  Format: {
    type: 'string',
    enum: FORMATS,
    description: `A Pokémon Showdown format id; ${DEFAULT_FORMAT} unless a request names another.`,
  },
  SpeciesSummary: strict(Object.keys(speciesSummaryProperties), speciesSummaryProperties),
  SpeciesPage: page('SpeciesSummary'),
  SpeciesDetail: strict(
    [
      ...Object.keys(speciesSummaryProperties),
      'base_species',
      'forme',
      'abilities',
      'weight_kg',
      'gender_ratio',
      'evolves_from',
      'evolves_to',
      'learnset',
      'enrichment',
      'enrichment_status',
    ],
    {
      ...speciesSummaryProperties,
      base_species: { type: 'string' },
      forme: { type: ['string', 'null'] },
      abilities: {
        type: 'array',
        items: strict(['slot', 'name', 'hidden'], {
          slot: { type: 'string', description: '"0", "1", "H" (hidden) or "S" (special).' },
          name: { type: 'string' },
          hidden: { type: 'boolean' },
        }),
      },
      weight_kg: { type: 'number', minimum: 0 },
      gender_ratio: {
        oneOf: [
          strict(['male', 'female'], {
            male: { type: 'number', minimum: 0, maximum: 1 },
            female: { type: 'number', minimum: 0, maximum: 1 },
          }),
          { type: 'null', description: 'Genderless.' },
        ],
      },
      evolves_from: { type: ['string', 'null'] },
      evolves_to: { type: 'array', items: { type: 'string' } },
      learnset: {
        type: 'array',
        items: { type: 'string' },
        description: 'The ids of the moves it can learn.',
      },
      enrichment: { oneOf: [schema('SpeciesEnrichment'), { type: 'null' }] },
      enrichment_status: {
        type: 'string',
        enum: ['fresh', 'stale', 'unavailable', 'not_found', 'disabled'],
        description:
          'fresh: from PokeAPI (or its cache) within the TTL; stale: an expired cache entry, being ' +
          'refreshed; unavailable: PokeAPI did not answer in time (try later); not_found: PokeAPI has ' +
          'no such species; disabled: no PokeAPI is configured.',
      },
    },
  ),
  SpeciesEnrichment: strict(
    ['flavor_text', 'habitat', 'evolution_chain', 'sprites', 'source', 'fetched_at'],
    {
      flavor_text: { type: ['string', 'null'] },
      habitat: { type: ['string', 'null'] },
      evolution_chain: { type: 'array', items: { type: 'string' } },
      sprites: strict(['front_default', 'front_shiny', 'official_artwork'], {
        front_default: { type: ['string', 'null'] },
        front_shiny: { type: ['string', 'null'] },
        official_artwork: { type: ['string', 'null'] },
      }),
      source: { type: 'string' },
      fetched_at: dateTime,
    },
  ),
  Move: strict(
    ['id', 'name', 'type', 'category', 'base_power', 'accuracy', 'pp', 'priority', 'target', 'description'],
    {
      id: { type: 'string', pattern: '^[a-z0-9]+$' },
      name: { type: 'string' },
      type: { type: 'string' },
      category: { type: 'string', enum: ['Physical', 'Special', 'Status'] },
      base_power: { type: 'integer', minimum: 0 },
      accuracy: {
        type: ['integer', 'null'],
        minimum: 0,
        maximum: 100,
        description: 'Null: it never misses.',
      },
      pp: { type: 'integer', minimum: 0 },
      priority: { type: 'integer' },
      target: { type: 'string' },
      description: { type: 'string' },
    },
  ),
  MovePage: page('Move'),
  Abilities: items(
    strict(['id', 'name', 'description'], {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
    }),
  ),
  TypeChart: items(
    strict(['name', 'damage_taken'], {
      name: { type: 'string' },
      damage_taken: {
        type: 'object',
        description: 'The damage multiplier of each attacking type on this one (0 for an immunity).',
        additionalProperties: { type: 'number', minimum: 0 },
      },
    }),
  ),
  Natures: items({ type: 'string' }),
  Formats: strict(['default', 'items'], {
    default: formatSchema,
    items: {
      type: 'array',
      items: strict(['id', 'name', 'description'], {
        id: formatSchema,
        name: { type: 'string' },
        description: { type: 'string' },
      }),
    },
  }),
  Trainer: strict(Object.keys(trainerProperties), trainerProperties),
  TrainerProfile: strict([...Object.keys(trainerProperties), 'ratings'], {
    ...trainerProperties,
    ratings: {
      type: 'array',
      description: 'One per format the trainer played rated battles in.',
      items: strict(['format', 'rating', 'rd', 'battles', 'wins', 'losses', 'draws'], {
        format: formatSchema,
        rating: { type: 'integer', description: 'Glicko-2, rounded (1500 to start).' },
        rd: { type: 'integer', minimum: 0, description: 'The rating deviation, rounded.' },
        battles: { type: 'integer', minimum: 0 },
        wins: { type: 'integer', minimum: 0 },
        losses: { type: 'integer', minimum: 0 },
        draws: { type: 'integer', minimum: 0 },
      }),
    },
  }),
  TrainerInput: strict(['name'], {
    name: {
      type: 'string',
      minLength: 2,
      maxLength: 24,
      pattern: "^[\\p{L}\\p{N}](?:[\\p{L}\\p{N} _.'-]*[\\p{L}\\p{N}])?$",
      description:
        'Letters, digits, spaces, ".", "\'", "_" and "-", starting and ending with a letter or digit.',
    },
  }),
  PokemonInput: {
    ...strict(['species', 'ability', 'moves'], {
      species: dexName('species', 'Garchomp'),
      nickname,
      level: { type: 'integer', minimum: 1, maximum: 100, default: 100 },
      ability: dexName('ability of the species', 'Rough Skin'),
      item: {
        ...nullable(dexName('held item', 'Leftovers')),
        description: 'A held item; null or left out: none.',
      },
      nature: { ...dexName('nature', 'Jolly'), default: 'Hardy' },
      gender: {
        type: ['string', 'null'],
        enum: ['M', 'F', null],
        description: 'Null or left out: as the species has it (a species of one gender must have that one).',
      },
      evs: statsInput(
        252,
        0,
        'Effort values, 0 to 252 each, adding up to at most 510 (the total is checked by the service: ' +
          'JSON Schema cannot add).',
      ),
      ivs: statsInput(31, 31, 'Individual values, 0 to 31 each.'),
      moves: {
        type: 'array',
        minItems: 1,
        maxItems: 4,
        uniqueItems: true,
        items: dexName('move the species can learn', 'Earthquake'),
        description: '1 to 4 different moves the species can learn.',
      },
      tera_type: {
        ...nullable(dexName('type', 'Steel')),
        description: 'The type it terastallizes into ("Stellar" too); null or left out: none.',
      },
      shiny: { type: 'boolean', default: false },
    }),
    description:
      'A Pokémon of yours. Checked against the pokédex and, on its own, against Pokémon Showdown’s ' +
      'rules (gen9anythinggoes): each problem is a 400 naming its field.',
  },
  Pokemon: strict(
    [
      'id',
      'species',
      'nickname',
      'level',
      'ability',
      'item',
      'nature',
      'gender',
      'evs',
      'ivs',
      'moves',
      'tera_type',
      'shiny',
      'version',
      'created_at',
      'updated_at',
    ],
    {
      id: uuid,
      species: { type: 'string' },
      nickname: { type: ['string', 'null'] },
      level: { type: 'integer', minimum: 1, maximum: 100 },
      ability: { type: 'string' },
      item: { type: ['string', 'null'] },
      nature: { type: 'string' },
      gender: { type: ['string', 'null'], enum: ['M', 'F', null] },
      evs: statsTable(0, 252),
      ivs: statsTable(0, 31),
      moves: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 4 },
      tera_type: { type: ['string', 'null'] },
      shiny: { type: 'boolean' },
      version: { type: 'integer', minimum: 1, description: 'The ETag is `"v<version>"`.' },
      created_at: dateTime,
      updated_at: dateTime,
    },
  ),
  PokemonPage: page('Pokemon'),
  TeamInput: strict(['name', 'pokemon'], {
    name: text(40),
    format: { ...formatSchema, default: DEFAULT_FORMAT },
    pokemon: {
      type: 'array',
      minItems: 1,
      maxItems: 6,
      uniqueItems: true,
      items: uuid,
      description: '1 to 6 of your Pokémon (their ids), each once, in team order.',
    },
  }),
  TeamImport: strict(['name', 'text'], {
    name: text(40),
    format: { ...formatSchema, default: DEFAULT_FORMAT },
    text: {
      type: 'string',
      minLength: 1,
      maxLength: 20_000,
      description: "1 to 6 Pokémon in Pokémon Showdown's text format (what its teambuilder exports).",
    },
  }),
  Team: strict(Object.keys(teamProperties), teamProperties),
  TeamDetail: strict([...Object.keys(teamProperties), 'members'], {
    ...teamProperties,
    members: {
      type: 'array',
      items: schema('Pokemon'),
      description: 'The members, in team order (a released one is left out).',
    },
  }),
  TeamList: items(schema('Team')),
  BattleInput: {
    oneOf: [schema('AiBattleInput'), schema('PvpBattleInput')],
    discriminator: {
      propertyName: 'mode',
      mapping: { ai: '#/components/schemas/AiBattleInput', pvp: '#/components/schemas/PvpBattleInput' },
    },
  },
  AiBattleInput: strict(['mode', 'team_id'], {
    mode: { type: 'string', const: 'ai', description: 'An instant battle against the AI.' },
    format: { ...formatSchema, default: DEFAULT_FORMAT },
    team_id: { ...uuid, description: 'One of your teams, for the format.' },
  }),
  PvpBattleInput: strict(['mode', 'team_id', 'opponent_id'], {
    mode: { type: 'string', const: 'pvp', description: 'A challenge to another trainer.' },
    format: { ...formatSchema, default: DEFAULT_FORMAT },
    team_id: { ...uuid, description: 'One of your teams, for the format.' },
    opponent_id: { ...uuid, description: "Another trainer's id (their player id), not yours." },
    rated: { type: 'boolean', default: true, description: 'Whether the result moves both ratings.' },
  }),
  AcceptInput: strict(['team_id'], {
    team_id: { ...uuid, description: 'One of your teams, for the battle’s format.' },
  }),
  Choice: strict(['choice'], {
    choice: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      pattern: '^[\\x20-\\x7e]+$',
      // A choice is final: "undo" (in any case) is refused.
      not: { pattern: '^ *[Uu][Nn][Dd][Oo](?![A-Za-z0-9_])' },
      description: 'Printable ASCII, e.g. "move 1", "switch 2", "team 123456" or "default"; never "undo".',
    },
  }),
  BattleSummary: strict(battleSummaryRequired, battleSummaryProperties),
  BattlePage: page('BattleSummary'),
  Battle: strict(
    [
      ...battleSummaryRequired,
      'your_side',
      'waiting_for',
      'turn_deadline',
      'request',
      'log_hash',
      'log_offset',
      'log_next',
      'log',
    ],
    {
      ...battleSummaryProperties,
      your_side: { type: ['string', 'null'], enum: ['p1', 'p2', null], description: 'Your side.' },
      waiting_for: { type: 'array', items: side, description: 'The sides that have a choice to make now.' },
      turn_deadline: {
        ...nullableDateTime,
        description: 'When the turn timer acts for whoever has not chosen (the AI chooses, or they forfeit).',
      },
      request: {
        type: ['object', 'null'],
        required: ['kind'],
        properties: { kind: { type: 'string', enum: ['move', 'switch', 'teampreview'] } },
        description:
          "What you have to choose now (Pokémon Showdown's request, with its `kind`); null when nothing.",
      },
      seed: {
        type: 'string',
        pattern: '^sodium,[0-9a-f]{64}$',
        description: "The simulator's seed, revealed once the battle is finished.",
      },
      log_hash: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
      log_offset: {
        type: 'integer',
        minimum: 0,
        description: 'Where `log` starts in the whole log (0: from the start).',
      },
      log_next: {
        type: 'integer',
        minimum: 0,
        description: 'Where the whole log ends: pass it as `log_from` to read only what comes after.',
      },
      log: {
        type: 'array',
        items: { type: 'string' },
        description:
          "Pokémon Showdown's protocol log, as your side sees it, from `log_offset` on (a choice's answer: " +
          'the lines since the choice).',
      },
    },
  ),
  ReplayReport: strict(
    [
      'battle_id',
      'verified',
      'choices',
      'stored_log_hash',
      'replayed_log_hash',
      'stored_winner',
      'replayed_winner',
    ],
    {
      battle_id: uuid,
      verified: {
        type: 'boolean',
        description: 'The stored log and winner are what the seed and choices give.',
      },
      choices: { type: 'integer', minimum: 0 },
      stored_log_hash: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
      replayed_log_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      stored_winner: { type: ['string', 'null'], enum: ['p1', 'p2', 'tie', null] },
      replayed_winner: { type: ['string', 'null'], enum: ['p1', 'p2', 'tie', null] },
    },
  ),
  RatingBoard: strict(['format', 'items'], {
    format: formatSchema,
    items: {
      type: 'array',
      items: strict(['trainer_id', 'name', 'rating', 'rd', 'battles'], {
        trainer_id: uuid,
        name: { type: 'string' },
        rating: { type: 'number', description: 'Glicko-2 (1500 to start).' },
        rd: { type: 'number', minimum: 0 },
        battles: { type: 'integer', minimum: 0 },
      }),
    },
  }),
  PreconditionFailedProblem: {
    allOf: [schema('Problem')],
    required: ['current_etag'],
    properties: { current_etag: { type: 'string', pattern: '^"v\\d+"$', description: 'The current ETag.' } },
  },
};
