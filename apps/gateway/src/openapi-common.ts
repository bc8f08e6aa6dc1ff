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
