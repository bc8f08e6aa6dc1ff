// The events and leaderboards part of the OpenAPI document: paths, tags and schemas.
import { bodyResponses, gatewayResponses, json, ref } from './openapi-common';

const uuid = { type: 'string', format: 'uuid' };
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
        '`client.<name>` events about themselves; `bet.settled`, `battle.finished` and `player.registered` ' +
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

const postedEvent = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    id: { ...uuid, description: 'Reuse it on retries: an id is counted once.' },
    type: {
      type: 'string',
      description:
        'session.started, client.<name>, or (admins) bet.settled, battle.finished, player.registered',
    },
    occurred_at: {
      type: 'string',
      format: 'date-time',
      description: 'Default now; at most 24 h in the past, 5 min ahead.',
    },
    player_id: { ...uuid, description: 'Admins only; players post about themselves.' },
    data: { type: 'object' },
  },
};

export const eventSchemas = {
  EventsRequest: {
    oneOf: [
      postedEvent,
      {
        type: 'object',
        additionalProperties: false,
        required: ['events'],
        properties: { events: { type: 'array', minItems: 1, maxItems: 100, items: postedEvent } },
      },
    ],
  },
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
