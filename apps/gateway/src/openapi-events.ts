// The events and leaderboards part of the OpenAPI document: paths, tags and schemas.
import { bodyResponses, gatewayResponses, json, ref, strict, uuid } from './openapi-common';

const money = (description: string) => ({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', description });

export const eventTags = [
  { name: 'events', description: 'Game-event ingestion into Kafka (the events service).' },
  {
    name: 'leaderboards',
    description: 'Boards, statistics and achievements built from events (the leaderboard).',
  },
];

const playerIdParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The player's id.",
  schema: uuid,
};

export const eventPaths = {
  '/api/v1/events': {
    post: {
      operationId: 'postEvents',
      tags: ['events'],
      summary: 'Post one event, or a batch of up to 100',
      description:
        'Answered 202 once Kafka acknowledged every event (acks=all). Players post `session.started` and ' +
        '`client.<name>` events about themselves; `bet.settled`, `battle.finished`, `tournament.finished`, ' +
        '`challenge.completed` and `player.registered` ' +
        'come from the services that own them (admins only). Every event is valid or none is produced. When ' +
        'Kafka does not answer: 503 with Retry-After; retry with the same event ids (they are counted once).',
      requestBody: { required: true, content: json('EventsRequest') },
      responses: {
        '202': { description: 'Every event was acknowledged by Kafka.', content: json('EventsAccepted') },
        ...bodyResponses,
        '401': ref('Unauthorized'),
        '403': ref('Forbidden'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/leaderboards/{board}': {
    get: {
      operationId: 'getLeaderboard',
      tags: ['leaderboards'],
      summary: 'A board for a period',
      parameters: [
        {
          name: 'board',
          in: 'path',
          required: true,
          schema: { type: 'string', enum: ['biggest-win', 'most-wagered'] },
        },
        {
          name: 'period',
          in: 'query',
          schema: { type: 'string', enum: ['daily', 'weekly', 'all-time'], default: 'all-time' },
        },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
        {
          name: 'date',
          in: 'query',
          description: 'A day in the period (UTC; default today).',
          schema: { type: 'string', format: 'date' },
        },
      ],
      responses: {
        '200': { description: 'The top entries.', content: json('Leaderboard') },
        '400': ref('BadRequest'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/leaderboards/players/me': {
    get: {
      operationId: 'getMyStats',
      tags: ['leaderboards'],
      summary: 'Your statistics and achievements',
      responses: {
        '200': { description: 'Your statistics.', content: json('PlayerStats') },
        '401': ref('Unauthorized'),
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/leaderboards/players/{id}': {
    get: {
      operationId: 'getPlayerStats',
      tags: ['leaderboards'],
      summary: "A player's statistics and achievements",
      parameters: [playerIdParam],
      responses: {
        '200': { description: 'The statistics.', content: json('PlayerStats') },
        '400': ref('BadRequest'),
        '401': ref('Unauthorized'),
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    },
  },
};

// What the events service checks (apps/events/src/domain/ingest.ts and outbox/src/events.ts).
const EVENT_TYPE =
  '^(?:bet\\.settled|battle\\.finished|tournament\\.finished|challenge\\.completed|player\\.registered|session\\.started|client\\.[a-z][a-z0-9_.]{0,47})$';
// zod's `z.iso.datetime({ offset: true })`: an upper-case T, seconds, and Z or ±hh:mm. `format: date-time`
// alone also admits a lower-case t, a space, or no seconds.
const DATE_TIME =
  '^\\d{4}-\\d{2}-\\d{2}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$';
const cents = { type: 'integer', minimum: 0, maximum: 10_000_000_000_000 };

/** The data of the types the services own (outbox's EVENT_DATA). */
const EVENT_DATA: Record<string, object> = {
  'bet.settled': strict(['round_id', 'game', 'stake_cents', 'payout_cents', 'multiplier', 'outcome'], {
    round_id: uuid,
    game: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' },
    stake_cents: { ...cents, minimum: 1 },
    payout_cents: cents,
    multiplier: { type: 'number', minimum: 0, maximum: 1_000_000 },
    outcome: { type: 'string', enum: ['win', 'lose', 'push'] },
  }),
  'battle.finished': strict(['battle_id', 'winner_id', 'loser_id', 'turns'], {
    battle_id: uuid,
    winner_id: uuid,
    loser_id: uuid,
    turns: { type: 'integer', minimum: 1, maximum: 10_000 },
    format: { type: 'string', pattern: '^[a-z0-9]{1,40}$' },
    mode: { type: 'string', enum: ['ai', 'pvp'] },
    rated: { type: 'boolean' },
    draw: { type: 'boolean' },
    winner_rating: { type: 'number', minimum: 0, maximum: 10_000 },
    loser_rating: { type: 'number', minimum: 0, maximum: 10_000 },
  }),
  'tournament.finished': strict(
    ['tournament_id', 'name', 'format', 'kind', 'winner_id', 'entrants', 'rounds', 'battles'],
    {
      tournament_id: uuid,
      name: { type: 'string', minLength: 1, maxLength: 60 },
      format: { type: 'string', pattern: '^[a-z0-9]{1,40}$' },
      kind: { type: 'string', enum: ['single-elimination', 'swiss'] },
      winner_id: uuid,
      entrants: { type: 'integer', minimum: 2, maximum: 64 },
      rounds: { type: 'integer', minimum: 1, maximum: 64 },
      battles: { type: 'integer', minimum: 0, maximum: 10_000 },
    },
  ),
  'challenge.completed': strict(['day', 'challenge', 'category', 'difficulty', 'reward_points'], {
    day: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    challenge: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
    category: { type: 'string', pattern: '^[a-z-]{1,40}$' },
    difficulty: { type: 'string', enum: ['easy', 'medium', 'hard'] },
    reward_points: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  }),
  'player.registered': strict(['display_name'], {
    display_name: { type: 'string', minLength: 1, maxLength: 64 },
  }),
  'session.started': strict(['client'], {
    client: { type: 'string', minLength: 1, maxLength: 64 },
    platform: { type: 'string', enum: ['web', 'ios', 'android', 'desktop'] },
  }),
};

/** A client.<name> event's data: at most 20 snake_case fields, each a string, number, boolean or null. */
const clientData = {
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[a-z][a-z0-9_]{0,39}$' },
  additionalProperties: { type: ['string', 'number', 'boolean', 'null'], maxLength: 200 },
};

const postedEvent = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    id: { ...uuid, description: 'Reuse it on retries: an id is counted once.' },
    type: {
      type: 'string',
      pattern: EVENT_TYPE,
      description:
        'session.started, client.<name>, or (admins) bet.settled, battle.finished, tournament.finished, ' +
        'challenge.completed, player.registered',
    },
    occurred_at: {
      type: 'string',
      format: 'date-time',
      pattern: DATE_TIME,
      description: 'Default now; at most 24 h in the past, 5 min ahead.',
    },
    player_id: { ...uuid, description: 'Admins only; players post about themselves.' },
    data: { type: 'object', description: "The type's data: required for the types the services own." },
  },
  // Each type's data schema applies to its data.
  allOf: [
    ...Object.entries(EVENT_DATA).map(([type, data]) => ({
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: { required: ['data'], properties: { data } },
    })),
    {
      if: { properties: { type: { pattern: '^client\\.' } }, required: ['type'] },
      then: { properties: { data: clientData } },
    },
  ],
};

export const eventSchemas = {
  EventsRequest: {
    oneOf: [
      { $ref: '#/components/schemas/PostedEvent' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['events'],
        properties: {
          events: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: { $ref: '#/components/schemas/PostedEvent' },
          },
        },
      },
    ],
  },
  PostedEvent: postedEvent,
  EventsAccepted: {
    type: 'object',
    additionalProperties: false,
    required: ['accepted', 'ids'],
    properties: { accepted: { type: 'integer', minimum: 1 }, ids: { type: 'array', items: uuid } },
  },
  Leaderboard: {
    type: 'object',
    additionalProperties: false,
    required: ['board', 'period', 'period_start', 'entries'],
    properties: {
      board: { type: 'string' },
      period: { type: 'string', enum: ['daily', 'weekly', 'all-time'] },
      period_start: { type: 'string', format: 'date' },
      entries: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rank', 'player_id', 'display_name', 'score'],
          properties: {
            rank: { type: 'integer', minimum: 1 },
            player_id: uuid,
            display_name: { type: ['string', 'null'] },
            score: money('Cents as a decimal amount.'),
          },
        },
      },
    },
  },
  PlayerStats: {
    type: 'object',
    additionalProperties: false,
    required: [
      'player_id',
      'display_name',
      'bets',
      'wins',
      'wagered',
      'paid_out',
      'biggest_win',
      'achievements',
    ],
    properties: {
      player_id: uuid,
      display_name: { type: ['string', 'null'] },
      bets: { type: 'integer', minimum: 0 },
      wins: { type: 'integer', minimum: 0 },
      wagered: money('Total staked.'),
      paid_out: money('Total paid out.'),
      biggest_win: money('The biggest net win of one round.'),
      battles: { type: 'integer', minimum: 0 },
      battles_won: { type: 'integer', minimum: 0 },
      sessions: { type: 'integer', minimum: 0 },
      achievements: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'unlocked_at'],
          properties: { id: { type: 'string' }, unlocked_at: { type: 'string', format: 'date-time' } },
        },
      },
    },
  },
};
