// The scheduler part of the OpenAPI document: tournaments, the matchmaking queue, daily challenges and
// the admin view of the job queues (the scheduler service, on pg-boss). Every rule the service checks
// (apps/scheduler/src/entry-points/http.ts) is stated as JSON Schema where JSON Schema can state it;
// what depends on the clock (a tournament's start) or on the pokemon service (your team for the
// format, your wins of the day) is checked by the service only, and is said in the descriptions. The
// formats are the pokemon service's own (@gameday/pokemon/contract), as in the pokemon part.
import { DEFAULT_FORMAT } from '@gameday/pokemon/contract';
import { bodyResponses, gatewayResponses, json, ref, strict, uuid } from './openapi-common';

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const formatSchema = schema('Format');

// zod's `z.iso.datetime({ offset: true })`: an upper-case T, seconds, and Z or ±hh:mm. `format: date-time`
// alone also admits a lower-case t, a space, or no seconds.
const DATE_TIME =
  '^\\d{4}-\\d{2}-\\d{2}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$';
const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };
const nullableUuid = { ...uuid, type: ['string', 'null'] };
/** A UTC day as zod's `z.iso.date()` reads it: YYYY-MM-DD, a day the month has. */
const day = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const count = { type: 'integer', minimum: 0 };

// C0/C1 controls, DEL and the bidi overrides/isolates: what telemetry's `text()` refuses.
const CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069';

/**
 * A text field as telemetry's `text({ min, max })` reads it: trimmed (so surrounding white space,
 * tabs and line breaks included, is not counted), then `min` to `max` code points without control or
 * bidi-override characters. (The service also NFC-normalises first, which JSON Schema cannot do.)
 */
const trimmedText = (min: number, max: number, description: string) => ({
  type: 'string',
  minLength: min,
  pattern: `^\\s*[^\\s${CONTROLS}][^${CONTROLS}]{${min - 2},${max - 2}}[^\\s${CONTROLS}]\\s*$`,
  description,
});

/** The kinds of tournament (the scheduler's TOURNAMENT_KINDS). */
const KINDS = ['single-elimination', 'swiss'];
/** The queues an admin may run at once (the periodic jobs). */
const RUNNABLE_QUEUES = ['data-retention', 'fetcher-refresh', 'daily-challenges'];
/** Every queue jobs run in (a dead job comes from one of them). */
const WORK_QUEUES = [
  'tournament-start',
  'tournament-round',
  'matchmaking-pass',
  'daily-challenges',
  'data-retention',
  'fetcher-refresh',
];

// Parameters.

const tournamentId = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The tournament's id.",
  schema: uuid,
};
const idempotencyKey = (what: string) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    `A unique key per ${what} (e.g. a UUID), reused on retries: a retry with the same key and body answers ` +
    'as the first request did (with `Idempotent-Replayed: true`) and does nothing again; the same key with ' +
    'another request is a 409. (A retry sent while the first request is still being answered may get the ' +
    '409 of a second attempt instead: you are in, or queued, already.)',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
});
const limitParam = (maximum: number, fallback: number) => ({
  name: 'limit',
  in: 'query',
  schema: { type: 'integer', minimum: 1, maximum, default: fallback },
});

// Answers.

const replayed = { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } };
const ok = (description: string, name: string) => ({ description, content: json(name) });
const unauthorized = { '401': ref('Unauthorized') };
/** What admin-only operations add: a player's token is a 403. */
const adminOnly = { '401': ref('Unauthorized'), '403': ref('Forbidden') };

const op = (tag: string, operationId: string, summary: string, rest: Record<string, unknown>) => ({
  operationId,
  tags: [tag],
  summary,
  ...rest,
});

export const schedulerTags = [
  {
    name: 'tournaments',
    description:
      'Tournaments (single elimination and Swiss) whose rounds the scheduler plays as battles of the ' +
      'pokemon service (the scheduler service).',
  },
  {
    name: 'matchmaking',
    description: 'The matchmaking queue: rated live battles against trainers of a similar rating.',
  },
  {
    name: 'challenges',
    description: 'Daily challenges: three a day, checked against the battles you won that day.',
  },
  {
    name: 'scheduler',
    description: "The scheduler's job queues (pg-boss): depths, dead jobs and retries (admins only).",
  },
];

export const schedulerPaths = {
  '/api/v1/tournaments': {
    get: op('tournaments', 'listTournaments', 'Tournaments, latest start first', {
      parameters: [
        {
          name: 'status',
          in: 'query',
          description: 'Only the tournaments in this state.',
          schema: { type: 'string', enum: ['open', 'running', 'finished', 'cancelled'] },
        },
        limitParam(100, 20),
      ],
      responses: {
        '200': ok('The tournaments.', 'TournamentList'),
        '400': ref('BadRequest'),
        ...unauthorized,
        ...gatewayResponses,
      },
    }),
    post: op('tournaments', 'createTournament', 'Create a tournament (admins only)', {
      description:
        'Entries are open until `starts_at`; then the entrants are seeded by rating and each round is ' +
        'played as battles of the pokemon service (played out at once, unrated), one round after the ' +
        'other, until there is a winner (a `tournament.finished` event). Fewer than two entrants: the ' +
        'tournament is cancelled. `starts_at` must not be in the past (a minute of grace) and must be ' +
        'within 30 days: the service checks it (400 naming `starts_at`), JSON Schema cannot.',
      requestBody: { required: true, content: json('TournamentInput') },
      responses: {
        '201': {
          description: 'The tournament, open for entries.',
          headers: { Location: { $ref: '#/components/headers/Location' } },
          content: json('Tournament'),
        },
        ...bodyResponses,
        ...adminOnly,
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/tournaments/{id}': {
    get: op('tournaments', 'getTournament', 'A tournament, with its entries, matches and standings', {
      parameters: [tournamentId],
      responses: {
        '200': ok('The tournament.', 'TournamentDetail'),
        '400': ref('BadRequest'),
        ...unauthorized,
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/tournaments/{id}/entries': {
    post: op('tournaments', 'enterTournament', 'Enter a tournament with one of your teams', {
      description:
        "The team must be one of yours, for the tournament's format, with none of its Pokémon released: " +
        'the pokemon service checks it (400 naming `team_id`) and gives your rating, which seeds you. ' +
        'Entries close when the tournament starts (409), and when it is full (409); you enter once (409). ' +
        'Keep the team as it is until the tournament is over: a match whose team was deleted, or changed ' +
        'so that it no longer fits the format, cannot be played: the round job fails until it is a dead job, ' +
        'and the tournament stays `running`.',
      parameters: [tournamentId, idempotencyKey('entry')],
      requestBody: { required: true, content: json('TournamentEntryInput') },
      responses: {
        '201': {
          description: 'You are in (or, replayed, the entry the first request with this key made).',
          headers: replayed,
          content: json('TournamentEntry'),
        },
        ...bodyResponses,
        ...unauthorized,
        '404': ref('NotFound'),
        '409': ref('Conflict'),
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/matchmaking/queue': {
    post: op('matchmaking', 'joinMatchmaking', 'Queue for a rated battle in a format', {
      description:
        'With one of your teams for the format (checked by the pokemon service: 400 naming `team_id`; your ' +
        'rating in the format comes with it). Every few seconds the waiting trainers of a format are ' +
        "paired when each one's rating is within the other's window (± `window` points, widening the " +
        'longer they wait); each pair gets a rated live battle of the pokemon service (`battle_id`), ' +
        'played there. You wait in the queue once: 409 while you wait (leave to change format or team). ' +
        'A retry with the same Idempotency-Key and body answers the entry the first request made, as it ' +
        'is now (waiting, matched or left).',
      parameters: [idempotencyKey('join')],
      requestBody: { required: true, content: json('MatchmakingInput') },
      responses: {
        '201': {
          description: 'Your entry, waiting (or, replayed, the entry the first request with this key made).',
          headers: replayed,
          content: json('QueueEntry'),
        },
        ...bodyResponses,
        ...unauthorized,
        '409': ref('Conflict'),
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/matchmaking/queue/me': {
    get: op('matchmaking', 'getMyQueueEntry', 'Your latest queue entry', {
      description:
        'Waiting (with its window now), matched (with the battle) or left; 404 if you never queued.',
      responses: {
        '200': ok('Your latest entry.', 'QueueEntry'),
        ...unauthorized,
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    }),
    delete: op('matchmaking', 'leaveMatchmaking', 'Leave the queue', {
      description: 'Only while you wait: 404 when you are not waiting (never queued, left, or matched).',
      responses: {
        '204': { description: 'You left the queue.' },
        ...unauthorized,
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/challenges/today': {
    get: op('challenges', 'getTodaysChallenges', "Today's challenges", {
      description:
        'Three a day (UTC), the same for everyone: one easy, one medium and one hard, each with its goal, ' +
        'its reward and whether you claimed it.',
      responses: {
        '200': ok("Today's challenges, smallest reward first.", 'DailyChallenges'),
        ...unauthorized,
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/challenges/{day}/{key}/claim': {
    post: op('challenges', 'claimChallenge', 'Claim a challenge you completed today', {
      description:
        'Checked against the battles you won today (UTC) as the pokemon service counts them (tournament ' +
        'and matchmaking battles count as pvp battles). Done: its reward, and a `challenge.completed` ' +
        'event. Not done yet: 422 (`challenge-not-done`). Claimed already, or a day other than today: ' +
        '409. No such challenge today: 404.',
      parameters: [
        {
          name: 'day',
          in: 'path',
          required: true,
          description: 'Today (UTC), e.g. 2026-12-07.',
          schema: day,
        },
        {
          name: 'key',
          in: 'path',
          required: true,
          description: "The challenge's key (e.g. `first-win`).",
          schema: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
        },
      ],
      responses: {
        '201': ok('Claimed: the reward is yours.', 'ChallengeClaim'),
        '400': ref('BadRequest'),
        ...unauthorized,
        '404': ref('NotFound'),
        '409': ref('Conflict'),
        '422': ref('Unprocessable'),
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/scheduler/queues': {
    get: op('scheduler', 'listJobQueues', 'The job queues (admins only)', {
      description: 'Each queue of pg-boss with its jobs by state, its retry limit and dead-letter queue.',
      responses: {
        '200': ok('The queues.', 'JobQueues'),
        ...adminOnly,
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/scheduler/queues/{queue}/run': {
    post: op('scheduler', 'runJob', 'Run a periodic job now (admins only)', {
      description:
        'Queues a job of `data-retention`, `fetcher-refresh` or `daily-challenges` at once (e.g. retention ' +
        'after a policy change, a fetcher refresh after a PokeAPI outage). A queue holds one queued job at ' +
        'a time: when one is queued already, nothing is added and `job_id` is null.',
      parameters: [
        {
          name: 'queue',
          in: 'path',
          required: true,
          description: 'The queue.',
          schema: { type: 'string', enum: RUNNABLE_QUEUES },
        },
      ],
      responses: {
        '202': ok('Queued.', 'JobRun'),
        '400': ref('BadRequest'),
        ...adminOnly,
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/scheduler/dead-jobs': {
    get: op('scheduler', 'listDeadJobs', 'Jobs whose retries are spent (admins only)', {
      description:
        'A job that keeps failing is retried with backoff; when its retries are spent it moves to the ' +
        '`dead-jobs` queue (kept 30 days), listed here oldest first with the queue it failed in.',
      parameters: [limitParam(1000, 100)],
      responses: {
        '200': ok('The dead jobs.', 'DeadJobs'),
        '400': ref('BadRequest'),
        ...adminOnly,
        ...gatewayResponses,
      },
    }),
  },
  '/api/v1/scheduler/dead-jobs/{id}/retry': {
    post: op('scheduler', 'retryDeadJob', 'Retry a dead job (admins only)', {
      description:
        'Sends the dead job’s data to its queue again (with fresh retries) and removes it from the dead ' +
        'jobs. When that queue already holds a job waiting to run (it takes one at a time), nothing is ' +
        'sent and the dead job stays: 409, retry it once that one has run.',
      parameters: [
        { name: 'id', in: 'path', required: true, description: "The dead job's id.", schema: uuid },
      ],
      responses: {
        '202': ok('Sent to its queue again.', 'RetriedJob'),
        '400': ref('BadRequest'),
        ...adminOnly,
        '404': ref('NotFound'),
        '409': ref('Conflict'),
        ...gatewayResponses,
      },
    }),
  },
};

// Schemas.

const tournamentProperties = {
  id: uuid,
  name: { type: 'string' },
  format: formatSchema,
  kind: { type: 'string', enum: KINDS },
  status: {
    type: 'string',
    enum: ['open', 'running', 'finished', 'cancelled'],
    description:
      'open: taking entries until `starts_at`; running: rounds being played; finished: `winner_id` won; ' +
      'cancelled: fewer than two entrants at the start.',
  },
  max_entrants: { type: 'integer', minimum: 2, maximum: 64 },
  rounds: {
    type: ['integer', 'null'],
    minimum: 1,
    description: 'How many rounds it has (known once it starts): log2 of the field, rounded up.',
  },
  current_round: { type: 'integer', minimum: 0, description: '0 until it starts.' },
  starts_at: dateTime,
  started_at: nullableDateTime,
  finished_at: nullableDateTime,
  winner_id: { ...nullableUuid, description: "The winner's trainer (player) id, once finished." },
};

const queueEntryProperties = {
  id: uuid,
  status: {
    type: 'string',
    enum: ['waiting', 'matched', 'left'],
    description: 'waiting in the queue; matched: `battle_id` is your battle; left the queue.',
  },
  format: formatSchema,
  team_id: uuid,
  rating: { type: 'integer', description: 'Your Glicko-2 rating in the format when you queued, rounded.' },
  enqueued_at: dateTime,
  window: {
    type: ['integer', 'null'],
    minimum: 0,
    description: 'While waiting: the ± rating points you are matched within now (it widens as you wait).',
  },
  battle_id: { ...nullableUuid, description: 'Once matched: the live battle (pokemon battles).' },
  opponent_id: { ...nullableUuid, description: "Once matched: your opponent's trainer (player) id." },
  matched_at: nullableDateTime,
};

const jobQueueProperties = {
  name: { type: 'string' },
  policy: { type: 'string', description: "pg-boss's queue policy (e.g. `stately`, `standard`)." },
  ready: { ...count, description: 'Due, waiting for a worker.' },
  deferred: { ...count, description: 'Not due yet.' },
  active: count,
  failed: { ...count, description: 'Failed (retained for a while).' },
  total: count,
  retry_limit: { type: ['integer', 'null'], minimum: 0 },
  dead_letter: { type: ['string', 'null'], description: 'Where a job goes when its retries are spent.' },
};

export const schedulerSchemas = {
  TournamentInput: strict(['name'], {
    name: trimmedText(
      3,
      60,
      '3 to 60 characters once trimmed of surrounding white space, without control characters.',
    ),
    format: { ...formatSchema, default: DEFAULT_FORMAT },
    kind: {
      type: 'string',
      enum: KINDS,
      default: 'single-elimination',
      description:
        'single-elimination: seeded by rating, byes for the top seeds, a draw sends the better seed ' +
        'through; swiss: everyone plays every round against someone with as many points, ranked by ' +
        'points then Buchholz.',
    },
    max_entrants: { type: 'integer', minimum: 2, maximum: 64, default: 8 },
    starts_at: {
      type: 'string',
      format: 'date-time',
      pattern: DATE_TIME,
      description:
        'When entries close and round 1 is played: not in the past (a minute of grace), within 30 days ' +
        '(checked by the service). Default: a minute from now.',
    },
  }),
  Tournament: strict(Object.keys(tournamentProperties), tournamentProperties),
  TournamentList: strict(['items'], { items: { type: 'array', items: schema('Tournament') } }),
  TournamentDetail: strict([...Object.keys(tournamentProperties), 'entries', 'matches'], {
    ...tournamentProperties,
    entries: {
      type: 'array',
      description: 'The entrants, in the order they entered.',
      items: strict(['trainer_id', 'rating', 'seed'], {
        trainer_id: uuid,
        rating: { type: 'integer', description: 'Their rating in the format when they entered.' },
        seed: {
          type: ['integer', 'null'],
          minimum: 1,
          description: '1 for the best rating; set at the start.',
        },
      }),
    },
    matches: {
      type: 'array',
      description: 'Every match written so far, by round and slot.',
      items: strict(['round', 'slot', 'p1', 'p2', 'battle_id', 'winner_id', 'draw', 'played_at'], {
        round: { type: 'integer', minimum: 1 },
        slot: { type: 'integer', minimum: 0 },
        p1: uuid,
        p2: { ...nullableUuid, description: 'Null: a bye (p1 goes through, or scores a point in Swiss).' },
        battle_id: { ...nullableUuid, description: 'The battle played (pokemon battles); null for a bye.' },
        winner_id: nullableUuid,
        draw: { type: 'boolean' },
        played_at: { ...nullableDateTime, description: 'Null until the match is played.' },
      }),
    },
    standings: {
      type: 'array',
      description: 'Swiss only: the table, first place first.',
      items: strict(['trainer_id', 'points', 'buchholz'], {
        trainer_id: uuid,
        points: { type: 'number', minimum: 0, description: '1 for a win or a bye, 0.5 for a draw.' },
        buchholz: { type: 'number', minimum: 0, description: "The sum of the opponents' points." },
      }),
    },
  }),
  TournamentEntryInput: strict(['team_id'], {
    team_id: { ...uuid, description: "One of your teams, for the tournament's format." },
  }),
  TournamentEntry: strict(['tournament_id', 'trainer_id', 'team_id'], {
    tournament_id: uuid,
    trainer_id: { ...uuid, description: 'Your trainer (player) id.' },
    team_id: uuid,
  }),
  MatchmakingInput: strict(['team_id'], {
    format: { ...formatSchema, default: DEFAULT_FORMAT },
    team_id: { ...uuid, description: 'One of your teams, for the format.' },
  }),
  QueueEntry: strict(Object.keys(queueEntryProperties), queueEntryProperties),
  DailyChallenges: strict(['day', 'items'], {
    day: { ...day, description: 'Today (UTC).' },
    items: {
      type: 'array',
      items: strict(['key', 'category', 'difficulty', 'title', 'goal', 'reward_points', 'completed_at'], {
        key: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
        category: { type: 'string', enum: ['battle', 'collection', 'strategy'] },
        difficulty: { type: 'string', enum: ['easy', 'medium', 'hard'] },
        title: { type: 'string' },
        goal: strict(['wins'], {
          wins: { type: 'integer', minimum: 1, description: 'Battles to win today.' },
          mode: { type: 'string', enum: ['ai', 'pvp'], description: 'Only battles of this mode count.' },
          format: { ...formatSchema, description: 'Only battles of this format count.' },
        }),
        reward_points: { type: 'integer', minimum: 0 },
        completed_at: { ...nullableDateTime, description: 'When you claimed it; null if you have not.' },
      }),
    },
  }),
  ChallengeClaim: strict(['day', 'key', 'reward_points'], {
    day,
    key: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
    reward_points: { type: 'integer', minimum: 0 },
  }),
  JobQueues: strict(['items'], {
    items: { type: 'array', items: strict(Object.keys(jobQueueProperties), jobQueueProperties) },
  }),
  JobRun: strict(['queue', 'job_id'], {
    queue: { type: 'string', enum: RUNNABLE_QUEUES },
    job_id: { ...nullableUuid, description: 'Null: a job of this queue is queued already.' },
  }),
  DeadJobs: strict(['items'], {
    items: {
      type: 'array',
      items: strict(['id', 'queue', 'data', 'output', 'created_on'], {
        id: uuid,
        queue: {
          type: ['string', 'null'],
          enum: [...WORK_QUEUES, null],
          description: 'The queue it failed in.',
        },
        data: { type: 'object', description: "The job's data (e.g. a tournament's id and round)." },
        output: {
          description:
            "The output pg-boss kept with it: null as a rule (the failure's error is in the " +
            "scheduler's log).",
        },
        created_on: { ...dateTime, description: 'When it became a dead job.' },
      }),
    },
  }),
  RetriedJob: strict(['queue', 'job_id'], {
    queue: { type: 'string', enum: WORK_QUEUES },
    job_id: { ...uuid, description: 'The new job.' },
  }),
};
