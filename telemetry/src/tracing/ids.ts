// Trace and span ids from pooled OS random bytes: cheaper than the SDK's Math.random generator.
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

/** Random bytes for ids, drawn from the OS 4 KiB at a time (one getrandom call per ~250 trace ids). */
const ID_POOL = Buffer.alloc(4096);
/**
 * The pool as hex, converted once per refill: an id is then a slice of this string (V8 makes a
 * slice of 13 characters or more a view into it) instead of a call into C++ to hex-encode a few
 * bytes, twice for each request the gateway forwards.
 */
let idPoolHex = '';
let idPoolOffset = ID_POOL.length;

/**
 * `bytes` random bytes as lowercase hex, never all zeros (W3C trace context: an all-zero trace or
 * span id is invalid): a trace id (16) or a span id (8), for an unsampled request's trace id and
 * hop span id, and for the SDK (`PooledIdGenerator`).
 */
export function randomHexId(bytes: 8 | 16): string {
  for (;;) {
    if (idPoolOffset + bytes > ID_POOL.length) {
      randomFillSync(ID_POOL);
      idPoolHex = ID_POOL.toString('hex');
      idPoolOffset = 0;
    }
    const start = idPoolOffset;
    idPoolOffset += bytes;
    for (let i = start; i < idPoolOffset; i++) {
      if (ID_POOL[i] !== 0) return idPoolHex.slice(start * 2, idPoolOffset * 2);
    }
  }
}

/**
 * Span and trace ids from the pooled OS random bytes (`randomHexId`). The SDK's default generator
 * draws each id from Math.random four bytes at a time into a fresh buffer: ~1 µs an id, and a
 * sampled request makes a few.
 */
export class PooledIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return randomHexId(16);
  }

  generateSpanId(): string {
    return randomHexId(8);
  }
}
