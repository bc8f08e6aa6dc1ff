// Counting what span export loses. The batch span processor keeps a bounded queue and drops spans
// when it is full (a slow or absent trace backend); the OTLP exporter gives up on a batch when the
// backend refuses it or does not answer. Both are silent in the SDK; here they become
// gameday_telemetry_spans_dropped_total{reason} (and _exported_total), which ServiceMetrics exposes.
//
// The queue is mirrored, not read: a sampled span that ends is queued unless the mirror says the
// queue is full (exactly the processor's own test), and a batch handed to the exporter leaves it.
// (The processor hands a batch over late only while resource attributes are still being detected;
// our resources are static, so the mirror and the queue move together.)

import { TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Totals since the process started (one tracer provider per process). */
export const spanExportStats = {
  exported: 0,
  /** The processor's queue was full: the span never left the process. */
  droppedQueueFull: 0,
  /** The exporter gave up on the batch (backend refused it, unreachable, or timed out). */
  droppedExportFailed: 0,
};

interface Mirror {
  queued: number;
}

/** Wraps the exporter: a batch leaves the queue when handed over; its result is counted. */
export class CountingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly mirror: Mirror,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.mirror.queued = Math.max(0, this.mirror.queued - spans.length);
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) spanExportStats.exported += spans.length;
      else spanExportStats.droppedExportFailed += spans.length;
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Wraps the batch processor: counts the spans its full queue is about to drop. */
export class CountingSpanProcessor implements SpanProcessor {
  private shut = false;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly mirror: Mirror,
    private readonly maxQueueSize: number,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (!this.shut && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) {
      if (this.mirror.queued >= this.maxQueueSize) spanExportStats.droppedQueueFull++;
      else this.mirror.queued++;
    }
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.shut = true;
    return this.inner.shutdown();
  }
}

/** A batch processor around an exporter, both counted. */
export function countedBatchProcessor(
  exporter: SpanExporter,
  maxQueueSize: number,
  makeProcessor: (exporter: SpanExporter) => SpanProcessor,
): SpanProcessor {
  const mirror: Mirror = { queued: 0 };
  return new CountingSpanProcessor(
    makeProcessor(new CountingSpanExporter(exporter, mirror)),
    mirror,
    maxQueueSize,
  );
}
