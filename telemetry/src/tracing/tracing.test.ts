import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  batchOptionsFromEnv,
  BSP_DEFAULTS,
  decideHead,
  parseTraceparent,
  instrumentedIfTraced,
  PooledIdGenerator,
  randomHexId,
  RequestContextManager,
  samplingPolicyFromEnv,
} from './index';

const parentBased1 = samplingPolicyFromEnv({});
const sampledParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const unsampledParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';

describe('the sampling policy', () => {
  it('defaults to parent-based 1% and reads the standard variables', () => {
    expect(parentBased1).toEqual({
      parentBased: true,
      ratio: 0.01,
      description: 'parentbased_traceidratio(0.01)',
    });
    expect(samplingPolicyFromEnv({ OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({ ratio: 0.25 });
    expect(samplingPolicyFromEnv({ OTEL_TRACES_SAMPLER: 'always_on' })).toMatchObject({
      parentBased: false,
      ratio: 1,
    });
    expect(() => samplingPolicyFromEnv({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => samplingPolicyFromEnv({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/not supported/);
  });
});

describe('span batching', () => {
  it('uses our defaults, and the standard OTEL_BSP_* variables override each', () => {
    expect(batchOptionsFromEnv({})).toEqual(BSP_DEFAULTS);
    expect(
      batchOptionsFromEnv({
        OTEL_BSP_MAX_QUEUE_SIZE: '4096',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BSP_EXPORT_TIMEOUT: '2000',
      }),
    ).toEqual({
      maxQueueSize: 4096,
      maxExportBatchSize: 256,
      scheduledDelayMillis: 50,
      exportTimeoutMillis: 2000,
    });
    expect(batchOptionsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: '0' }).scheduledDelayMillis).toBe(0);
  });

  it('refuses a value that is not a whole number, or a batch larger than the queue, naming the variable', () => {
    expect(() => batchOptionsFromEnv({ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'lots' })).toThrow(
      'OTEL_BSP_MAX_EXPORT_BATCH_SIZE must be a whole number of at least 1, got "lots"',
    );
    expect(() => batchOptionsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: '-5' })).toThrow(/OTEL_BSP_SCHEDULE_DELAY/);
    expect(() => batchOptionsFromEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '0' })).toThrow(/OTEL_BSP_MAX_QUEUE_SIZE/);
    expect(() => batchOptionsFromEnv({ OTEL_BSP_EXPORT_TIMEOUT: '1.5' })).toThrow(/OTEL_BSP_EXPORT_TIMEOUT/);
    expect(() =>
      batchOptionsFromEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200' }),
    ).toThrow(/must not exceed OTEL_BSP_MAX_QUEUE_SIZE \(100\)/);
  });
});

describe('the head decision', () => {
  it('follows a valid incoming traceparent when parent-based, whatever the ratio', () => {
    expect(decideHead(sampledParent, parentBased1, () => 0.99)).toEqual({ sampled: true, traceId: '' });
    expect(decideHead(unsampledParent, parentBased1, () => 0)).toEqual({
      sampled: false,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('uses the ratio for new traces and gives an unsampled one a fresh trace id', () => {
    expect(decideHead(undefined, parentBased1, () => 0.005).sampled).toBe(true);
    expect(decideHead(undefined, parentBased1, () => 0.05).sampled).toBe(false);
    const d = decideHead(undefined, parentBased1, () => 0.5);
    expect(d.sampled).toBe(false);
    expect(d.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(decideHead(undefined, parentBased1, () => 0.5).traceId).not.toBe(d.traceId);
  });

  it('treats a malformed or all-zero traceparent as absent', () => {
    for (const bad of ['garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '01-xyz']) {
      expect(decideHead(bad, parentBased1, () => 0.5).sampled).toBe(false);
      expect(decideHead(bad, parentBased1, () => 0.001).sampled).toBe(true);
    }
  });

  it('parses traceparent exactly as the W3C pattern does, on valid, mutated and malformed values', () => {
    // The pattern the parser replaces (version 00, lowercase hex, non-zero ids, end or "-").
    const pattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/;
    const reference = (v: string) => {
      const m = pattern.exec(v);
      if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
      return { traceId: m[1], sampled: (parseInt(m[3]!, 16) & 1) === 1 };
    };
    const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const alphabet = '0123456789abcdefABCDEF-xg ';
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const cases = [valid, `${valid}-extra`, `${valid}x`, valid.slice(0, 54), valid.toUpperCase(), ''];
    for (const flags of ['00', '01', '02', '03', 'ff', 'fe', '0f', 'a1'])
      cases.push(valid.slice(0, 53) + flags);
    cases.push('00-00000000000000000000000000000000-00f067aa0ba902b7-01');
    cases.push('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01');
    for (let i = 0; i < 5000; i++) {
      const chars = valid.split('');
      for (let k = rand(3); k >= 0; k--) chars[rand(chars.length)] = alphabet[rand(alphabet.length)]!;
      cases.push(chars.join(''));
    }
    for (const value of cases) expect([value, parseTraceparent(value)]).toEqual([value, reference(value)]);
    expect(parseTraceparent([valid, valid])).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  it('ignores the parent when the policy is not parent-based', () => {
    const always = samplingPolicyFromEnv({ OTEL_TRACES_SAMPLER: 'always_on' });
    expect(decideHead(unsampledParent, always).sampled).toBe(true);
  });
});

describe('random ids for unsampled requests', () => {
  it('are lowercase hex of the requested size, never all zeros, and do not repeat', () => {
    const seen = new Set<string>();
    // More than one 4 KiB pool's worth, so the pool is refilled on the way.
    for (let i = 0; i < 600; i++) {
      const traceId = randomHexId(16);
      const spanId = randomHexId(8);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(traceId).not.toBe('0'.repeat(32));
      seen.add(traceId);
    }
    expect(seen.size).toBe(600);
  });

  it('give the SDK its span and trace ids', () => {
    const ids = new PooledIdGenerator();
    expect(ids.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.generateSpanId()).toMatch(/^[0-9a-f]{16}$/);
    expect(ids.generateSpanId()).not.toBe(ids.generateSpanId());
  });
});

describe('instrumentedIfTraced', () => {
  const manager = new RequestContextManager();
  beforeAll(() => context.setGlobalContextManager(manager));
  afterAll(() => context.disable());

  it("gives the instrumentation's wrapper inside a trace and the original function outside", () => {
    const original = () => 'original';
    const wrapper = Object.assign(() => 'wrapper', { __original: original });
    // Outside any context: suppressed (nothing is recorded), so the wrapper would be wasted work.
    expect(instrumentedIfTraced(wrapper)).toBe(original);
    expect(context.with(ROOT_CONTEXT, () => instrumentedIfTraced(wrapper))).toBe(wrapper);
    // A function no instrumentation wrapped is itself, always.
    expect(instrumentedIfTraced(original)).toBe(original);
  });
});
