// Building blocks of the OpenAPI document shared by its parts (players, wallet, casino).

export const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export const retryAfter = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };

export const json = (schema: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${schema}` } },
});

export const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/**
 * A UUID as the services check one (zod's `z.uuid()`): the RFC 9562 variant with a version from 1 to 8,
 * or the nil or max UUID. `format: uuid` alone also admits ids the services refuse with a 400.
 */
export const uuid = {
  type: 'string',
  format: 'uuid',
  pattern:
    '^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$',
};

/** An object with exactly these properties: the services refuse unknown fields (400). */
export const strict = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

/** Answers any call through the gateway can get: rate limited, or the upstream failed. */
export const gatewayResponses = {
  '429': ref('TooManyRequests'),
  '502': ref('BadGateway'),
  '503': ref('ServiceUnavailable'),
  '504': ref('GatewayTimeout'),
};

/** Answers of calls that send a JSON body. */
export const bodyResponses = {
  '400': ref('BadRequest'),
  '413': ref('PayloadTooLarge'),
  '415': ref('UnsupportedMediaType'),
};
