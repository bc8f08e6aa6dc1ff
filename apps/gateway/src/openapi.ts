// The player API's OpenAPI 3.1 document, served at GET /api/v1/openapi.json. It is kept true by
// test/openapi.test.ts: every operation is exercised through the gateway against real accounts and
// PostgreSQL (status codes listed, bodies valid against these schemas), and every route the gateway
// and the services behind it serve under /api/v1 must be described here.

import { bodyResponses, gatewayResponses, json, problem, ref, retryAfter, uuid } from './openapi-common';
import { moneyPaths, moneySchemas, moneyTags } from './openapi-money';
import { eventPaths, eventSchemas, eventTags } from './openapi-events';
import {
  pokemonHeaders,
  pokemonPaths,
  pokemonResponses,
  pokemonSchemas,
  pokemonTags,
} from './openapi-pokemon';
import { schedulerPaths, schedulerSchemas, schedulerTags } from './openapi-scheduler';

const playerId = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The player's id.",
  schema: uuid,
};

// What accounts checks (apps/accounts/src/entry-points/http.ts), as JSON Schema.
const email = {
  type: 'string',
  format: 'email',
  maxLength: 254,
  // zod's email check: dot-separated words of [A-Za-z0-9_'+-], and a last domain label of 2+ letters.
  pattern:
    "^(?:[A-Za-z0-9_'+-]+\\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\\.)+[A-Za-z]{2,}$",
};

const displayName = {
  type: 'string',
  minLength: 2,
  maxLength: 32,
  pattern: '^[\\p{L}\\p{N}](?:[\\p{L}\\p{N} _.-]*[\\p{L}\\p{N}])?$',
  description: 'Letters, digits, spaces, ".", "_" and "-", starting and ending with a letter or digit.',
};

/** Text without control or bidi-override characters (telemetry's `text()`): passwords. */
const plainText = (minLength: number, maxLength: number) => ({
  type: 'string',
  minLength,
  maxLength,
  pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]*$',
});

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'gameday player API',
    version: '1.0.0',
    description: [
      'The public API of gameday, served by the gateway under /api/v1.',
      '',
      'Authenticate with a bearer token from `POST /api/v1/players/login` (an EdDSA-signed JWT, short-lived).',
      'Errors are RFC 9457 problem details (`application/problem+json`) with a `request_id` to quote;',
      'validation errors list each field at fault in `errors`. Every answer carries `X-Request-Id`.',
      'Requests are rate limited per client address and per player (429 with `Retry-After`);',
      'a service that is down answers 503 with `Retry-After`, one that is too slow 504.',
      'Bodies and query strings are checked strictly: an unknown field or query parameter is a 400.',
      'A documented path called with another method answers 405, with `Allow` naming its methods.',
    ].join('\n'),
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  servers: [{ url: '/', description: 'The gateway (http://localhost:8080 in the local stack).' }],
  security: [{ bearerAuth: [] }],
  tags: [
    { name: 'players', description: 'Registration, login, profiles and roles (the accounts service).' },
    ...moneyTags,
    ...pokemonTags,
    ...schedulerTags,
    ...eventTags,
    { name: 'meta', description: 'This document.' },
  ],
  paths: {
    '/api/v1/players': {
      post: {
        operationId: 'registerPlayer',
        tags: ['players'],
        summary: 'Register a player',
        description:
          'Creates a player with the role `player` (or `admin` for the addresses the operators configured).',
        security: [],
        requestBody: { required: true, content: json('RegisterRequest') },
        responses: {
          '201': {
            description: 'The player was registered.',
            headers: { Location: { $ref: '#/components/headers/Location' } },
            content: json('Player'),
          },
          ...bodyResponses,
          '409': ref('Conflict'),
          ...gatewayResponses,
        },
      },
    },
    '/api/v1/players/login': {
      post: {
        operationId: 'login',
        tags: ['players'],
        summary: 'Log in',
        description:
          'Exchanges an email and password for an access token. A wrong email and a wrong password get the ' +
          'same answer; repeated failures for one email or from one address are refused for a while (429).',
        security: [],
        requestBody: { required: true, content: json('LoginRequest') },
        responses: {
          '200': { description: 'Logged in.', content: json('Token') },
          ...bodyResponses,
          '401': ref('Unauthorized'),
          ...gatewayResponses,
        },
      },
    },
    '/api/v1/players/me': {
      get: {
        operationId: 'getMe',
        tags: ['players'],
        summary: 'Your profile',
        responses: {
          '200': { description: 'Your player record.', content: json('Player') },
          '401': ref('Unauthorized'),
          '404': ref('NotFound'),
          ...gatewayResponses,
        },
      },
      patch: {
        operationId: 'updateMe',
        tags: ['players'],
        summary: 'Change your profile',
        requestBody: { required: true, content: json('UpdateProfileRequest') },
        responses: {
          '200': { description: 'Your updated player record.', content: json('Player') },
          ...bodyResponses,
          '401': ref('Unauthorized'),
          '404': ref('NotFound'),
          ...gatewayResponses,
        },
      },
    },
    '/api/v1/players/{id}': {
      get: {
        operationId: 'getPlayer',
        tags: ['players'],
        summary: 'A player (admins only)',
        parameters: [playerId],
        responses: {
          '200': { description: 'The player.', content: json('Player') },
          '400': ref('BadRequest'),
          '401': ref('Unauthorized'),
          '403': ref('Forbidden'),
          '404': ref('NotFound'),
          ...gatewayResponses,
        },
      },
    },
    '/api/v1/players/{id}/role': {
      put: {
        operationId: 'setPlayerRole',
        tags: ['players'],
        summary: "Set a player's role (admins only)",
        parameters: [playerId],
        requestBody: { required: true, content: json('RoleRequest') },
        responses: {
          '200': { description: 'The player with the new role.', content: json('Player') },
          ...bodyResponses,
          '401': ref('Unauthorized'),
          '403': ref('Forbidden'),
          '404': ref('NotFound'),
          ...gatewayResponses,
        },
      },
    },
    ...moneyPaths,
    ...pokemonPaths,
    ...schedulerPaths,
    ...eventPaths,
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['meta'],
        summary: 'This document',
        security: [],
        responses: {
          '200': {
            description: 'The OpenAPI 3.1 document of the player API.',
            content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } },
          },
          '429': ref('TooManyRequests'),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'The `access_token` from `POST /api/v1/players/login`.',
      },
    },
    headers: {
      RetryAfter: {
        description: 'Seconds to wait before trying again.',
        schema: { type: 'integer', minimum: 0 },
      },
      Location: {
        description: 'The URL of the created resource.',
        schema: { type: 'string' },
      },
      ...pokemonHeaders,
    },
    responses: {
      BadRequest: problem('The request is malformed or invalid; `errors` names each field at fault.'),
      Unauthorized: problem(
        'No valid bearer token (missing, malformed, expired or forged), or bad credentials.',
        {
          'WWW-Authenticate': { description: 'The `Bearer` scheme.', schema: { type: 'string' } },
        },
      ),
      Forbidden: problem("Your role does not allow this, or it is another player's (e.g. their battle)."),
      NotFound: problem('No such resource.'),
      Conflict: problem(
        'A conflict: the resource exists already, an Idempotency-Key was reused with another body, the round or ' +
          'battle takes no such action now, a Pokémon to release is in a team, a tournament takes no more ' +
          'entries (started, full, or you are in), you wait in the matchmaking queue already, or a ' +
          'challenge was claimed already or is not today’s.',
      ),
      PayloadTooLarge: problem('The body is larger than the limit (64 KiB by default).'),
      UnsupportedMediaType: problem('The body is not `application/json`.'),
      TooManyRequests: problem('Rate limited (per address, per player, or failed logins).', retryAfter),
      BadGateway: problem('A service behind the gateway answered badly or broke off.'),
      ServiceUnavailable: problem('A service behind the gateway is down.', retryAfter),
      GatewayTimeout: problem('A service behind the gateway did not answer in time.'),
      Unprocessable: problem(
        'A domain rule refused it (e.g. `insufficient-funds`, or `challenge-not-done` for a challenge ' +
          'claimed before it is done).',
      ),
      ...pokemonResponses,
    },
    schemas: {
      ...moneySchemas,
      ...pokemonSchemas,
      ...schedulerSchemas,
      ...eventSchemas,
      Player: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'email', 'display_name', 'role', 'created_at', 'updated_at'],
        properties: {
          id: uuid,
          email: { type: 'string', maxLength: 254 },
          display_name: { type: 'string', minLength: 2, maxLength: 32 },
          role: { $ref: '#/components/schemas/Role' },
          created_at: { type: 'string', format: 'date-time' },
          updated_at: { type: 'string', format: 'date-time' },
        },
      },
      Role: { type: 'string', enum: ['player', 'admin'] },
      RegisterRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['email', 'display_name', 'password'],
        properties: { email, display_name: displayName, password: plainText(12, 128) },
      },
      LoginRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['email', 'password'],
        properties: { email, password: plainText(1, 128) },
      },
      UpdateProfileRequest: {
        type: 'object',
        additionalProperties: false,
        properties: { display_name: displayName },
      },
      RoleRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['role'],
        properties: { role: { $ref: '#/components/schemas/Role' } },
      },
      Token: {
        type: 'object',
        additionalProperties: false,
        required: ['access_token', 'token_type', 'expires_in'],
        properties: {
          access_token: { type: 'string', description: 'An EdDSA-signed JWT.' },
          token_type: { type: 'string', const: 'Bearer' },
          expires_in: { type: 'integer', minimum: 1, description: 'Seconds until the token expires.' },
        },
      },
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details, with gameday extensions.',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          status: { type: 'integer', minimum: 400, maximum: 599 },
          detail: { type: 'string' },
          instance: { type: 'string' },
          request_id: { type: 'string', description: 'Quote it when reporting a problem.' },
          errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
          upstream: { type: 'string', description: 'The service that failed (502, 503, 504).' },
          round_id: {
            type: 'string',
            format: 'uuid',
            description: 'The round left to recovery (casino 503).',
          },
        },
      },
      FieldError: {
        type: 'object',
        additionalProperties: false,
        required: ['pointer', 'field', 'detail'],
        properties: {
          pointer: { type: 'string', description: 'A JSON pointer into the request (`/email`).' },
          field: { type: 'string' },
          detail: { type: 'string' },
        },
      },
    },
  },
};

export type OpenApiDocument = typeof openApiDocument;
