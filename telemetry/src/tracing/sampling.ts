// Head sampling: whether a request is traced is decided from its headers alone, before any span
// exists (`decideHead`), so an unsampled request costs the instrumentation almost nothing. An
// unsampled request still has a trace id, which its logs and downstream calls carry.
import type { IncomingMessage } from 'node:http';
import { AlwaysOnSampler, ParentBasedSampler } from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { HEAD } from '../request-slots';
import { randomHexId } from './ids';

/**
 * The production default: keep 1% of new traces, follow the caller's decision otherwise. At the
 * request rates these services are built for (thousands a second each) that is still tens of full
 * traces a second per entry point, every metric and log line stays at 100%, and log lines of
 * unsampled requests still carry a trace id. Set OTEL_TRACES_SAMPLER_ARG for more (the local stack
 * uses 0.1).
 */
export const DEFAULT_SAMPLE_RATIO = 0.01;

/** How requests are head-sampled: from `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG`. */
export interface SamplingPolicy {
  /** Follow the caller's sampled flag when a valid `traceparent` comes in. */
  parentBased: boolean;
  /** Share of new (root) traces to record. */
  ratio: number;
  description: string;
}

/**
 * Reads the standard `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` variables, defaulting to
 * parent-based 10%. Validates the ratio so a typo fails at start, not silently.
 */
export function samplingPolicyFromEnv(env: NodeJS.ProcessEnv): SamplingPolicy {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_traceidratio').trim();
  const argRaw = env.OTEL_TRACES_SAMPLER_ARG;
  const ratio = argRaw === undefined || argRaw === '' ? DEFAULT_SAMPLE_RATIO : Number(argRaw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1, got "${argRaw}"`);
  }
  switch (name) {
    case 'always_on':
      return { parentBased: false, ratio: 1, description: name };
    case 'parentbased_always_on':
      return { parentBased: true, ratio: 1, description: name };
    case 'traceidratio':
      return { parentBased: false, ratio, description: `${name}(${ratio})` };
    case 'parentbased_traceidratio':
      return { parentBased: true, ratio, description: `${name}(${ratio})` };
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER "${name}" is not supported; use always_on, parentbased_always_on, traceidratio or parentbased_traceidratio`,
      );
  }
}

/**
 * The SDK's sampler. Requests are head-sampled before the http instrumentation runs (`decideHead`),
 * so whatever an HTTP request brings to the SDK is recorded. Entry points other than HTTP (Kafka
 * consumers, jobs) take the same kind of decision where they start work.
 */
export function sdkSampler(policy: SamplingPolicy): Sampler {
  return policy.parentBased ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOnSampler();
}

/** The head-sampling decision of one incoming request. */
export interface HeadDecision {
  sampled: boolean;
  /** For an unsampled request: the trace id its logs and downstream calls carry. */
  traceId: string;
}

/** A valid W3C `traceparent` (version 00): its trace id and whether the caller sampled it. */
export interface Traceparent {
  traceId: string;
  sampled: boolean;
}

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);

/** Whether `s[from, to)` is lowercase hex and not all zeros. */
function lowerHexNonZero(s: string, from: number, to: number): boolean {
  let nonZero = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isHex(c)) return false;
    if (c !== 0x30) nonZero = true;
  }
  return nonZero;
}

/**
 * Parses a `traceparent` header: `00-{32 hex trace id}-{16 hex span id}-{2 hex flags}`, lowercase,
 * ids not all zeros, then the end of the value or a `-` (a later version's extra fields). Undefined
 * for anything else. Read character by character: every request that comes through the gateway
 * carries one, and a regular expression's match array and substrings were ~2 µs of each.
 */
export function parseTraceparent(value: string | string[] | undefined): Traceparent | undefined {
  if (typeof value !== 'string' || value.length < 55) return undefined;
  if (value.charCodeAt(0) !== 0x30 || value.charCodeAt(1) !== 0x30) return undefined;
  if (value.charCodeAt(2) !== 0x2d || value.charCodeAt(35) !== 0x2d || value.charCodeAt(52) !== 0x2d) {
    return undefined;
  }
  if (value.length > 55 && value.charCodeAt(55) !== 0x2d) return undefined;
  if (!lowerHexNonZero(value, 3, 35) || !lowerHexNonZero(value, 36, 52)) return undefined;
  const hi = value.charCodeAt(53);
  const lo = value.charCodeAt(54);
  if (!isHex(hi) || !isHex(lo)) return undefined;
  // The sampled flag is bit 0 of the flags byte: the low bit of its second digit.
  const sampled = ((lo <= 0x39 ? lo - 0x30 : lo - 0x57) & 1) === 1;
  return { traceId: value.slice(3, 35), sampled };
}

/**
 * Decides, from the request headers alone, whether the request is traced: a valid incoming
 * `traceparent` decides when the policy is parent-based; otherwise the ratio does. The same rule as
 * ParentBased(TraceIdRatio), taken before any span exists, so an unsampled request costs the
 * instrumentation almost nothing (see `startTracing`).
 */
export function decideHead(
  traceparent: string | string[] | undefined,
  policy: SamplingPolicy,
  random = Math.random,
): HeadDecision {
  const incoming = parseTraceparent(traceparent);
  const sampled =
    incoming !== undefined && policy.parentBased
      ? incoming.sampled
      : policy.ratio >= 1 || random() < policy.ratio;
  return { sampled, traceId: sampled ? '' : (incoming?.traceId ?? randomHexId(16)) };
}

/** The head decision taken for `req` when it was not sampled (undefined when it was, or tracing is off). */
export function unsampledTrace(req: IncomingMessage): HeadDecision | undefined {
  const d = (req as unknown as Record<symbol, HeadDecision | undefined>)[HEAD];
  return d && !d.sampled ? d : undefined;
}

/**
 * The `traceparent` an outgoing call made while serving an unsampled request must carry, so the
 * next service keeps the decision and the trace id (the instrumentation does not inject in an
 * unsampled request). Undefined when the instrumentation propagates by itself.
 */
export function unsampledTraceparent(req: IncomingMessage): string | undefined {
  const d = unsampledTrace(req);
  return d && `00-${d.traceId}-${randomHexId(8)}-00`;
}

/** Whether `req` is traced (head-sampled in). */
export function isTraced(req: unknown): boolean {
  return (req as Record<symbol, HeadDecision | null | undefined>)[HEAD]?.sampled === true;
}
