// JSON schemas (draft-07, checked with ajv) for the two accepted input formats. They check shape;
// rules that need context (bucket boundaries, {{window}}, file names) live in validate.ts.
import { PERIODS, SLI_KINDS } from '../model';

export const NAME_PATTERN = '^[a-z][a-z0-9-]*$';
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const name = { type: 'string', pattern: NAME_PATTERN, maxLength: 63 };

const sli = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { enum: [...SLI_KINDS] },
    routes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^/' } },
    excludeRoutes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^/' } },
    methods: { type: 'array', minItems: 1, items: { enum: HTTP_METHODS } },
    threshold: { type: 'number' },
    good: { type: 'string', minLength: 1 },
    bad: { type: 'string', minLength: 1 },
    total: { type: 'string', minLength: 1 },
    testSeries: {
      type: 'object',
      // good and bad counters, or good and total (a histogram: the bucket and the _count).
      required: ['good'],
      oneOf: [{ required: ['bad'] }, { required: ['total'] }],
      additionalProperties: false,
      properties: { good: { type: 'string' }, bad: { type: 'string' }, total: { type: 'string' } },
    },
  },
  allOf: [
    { if: { properties: { kind: { const: 'http-latency' } } }, then: { required: ['threshold'] } },
    { if: { properties: { kind: { const: 'ratio' } } }, then: { required: ['total'] } },
  ],
};

export const gamedaySpecSchema = {
  $id: 'https://gameday.dev/schemas/slo-spec-v1.json',
  type: 'object',
  required: ['version', 'service', 'slos'],
  additionalProperties: false,
  properties: {
    version: { const: 'gameday/v1' },
    service: name,
    job: { type: 'string', minLength: 1 },
    slos: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'objective', 'sli'],
        additionalProperties: false,
        properties: {
          name,
          description: { type: 'string' },
          objective: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 },
          period: { enum: [...PERIODS] },
          sli,
          lowTrafficGuard: {
            type: 'object',
            required: ['minRequestsPerSecond'],
            additionalProperties: false,
            properties: { minRequestsPerSecond: { type: 'number', exclusiveMinimum: 0 } },
          },
        },
      },
    },
  },
};

const prometheusQuery = {
  type: 'object',
  required: ['metricSource'],
  properties: {
    metricSource: {
      type: 'object',
      required: ['type', 'spec'],
      properties: {
        type: { type: 'string', pattern: '^[Pp]rometheus$' },
        spec: {
          type: 'object',
          required: ['query'],
          properties: { query: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
};

/** The subset of OpenSLO v1 `SLO` that maps onto burn-rate alerting. */
export const openSloSchema = {
  $id: 'https://gameday.dev/schemas/openslo-v1-slo.json',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'openslo/v1' },
    kind: { const: 'SLO' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name,
        displayName: { type: 'string' },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      required: ['service', 'indicator', 'timeWindow', 'budgetingMethod', 'objectives'],
      properties: {
        description: { type: 'string' },
        service: name,
        indicator: {
          type: 'object',
          required: ['spec'],
          properties: {
            spec: {
              type: 'object',
              required: ['ratioMetric'],
              properties: {
                ratioMetric: {
                  type: 'object',
                  required: ['total'],
                  properties: {
                    counter: { type: 'boolean' },
                    good: prometheusQuery,
                    bad: prometheusQuery,
                    total: prometheusQuery,
                  },
                },
              },
            },
          },
        },
        timeWindow: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: {
            type: 'object',
            required: ['duration'],
            properties: { duration: { enum: [...PERIODS] }, isRolling: { const: true } },
          },
        },
        budgetingMethod: { const: 'Occurrences' },
        objectives: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: {
            type: 'object',
            properties: {
              displayName: { type: 'string' },
              target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
              targetPercent: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100 },
            },
          },
        },
      },
    },
  },
};
