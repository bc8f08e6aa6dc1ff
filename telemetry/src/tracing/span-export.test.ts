import { ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { countedBatchProcessor, spanExportStats } from './span-export';

/** An exporter whose answer the test decides: hold batches (a hung backend), fail or accept them. */
class ControlledExporter implements SpanExporter {
  mode: 'accept' | 'fail' | 'hold' = 'accept';
  held: ((r: ExportResult) => void)[] = [];
  received = 0;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.received += spans.length;
    if (this.mode === 'hold') this.held.push(done);
    else done({ code: this.mode === 'accept' ? ExportResultCode.SUCCESS : ExportResultCode.FAILED });
  }
  async shutdown(): Promise<void> {}
}

function setup(maxQueueSize: number) {
  const exporter = new ControlledExporter();
  const processor = countedBatchProcessor(
    exporter,
    maxQueueSize,
    (e) =>
      new BatchSpanProcessor({
        exporter: e,
        maxQueueSize,
        maxExportBatchSize: maxQueueSize,
        scheduledDelayMillis: 60_000,
        exportTimeoutMillis: 60_000,
      }),
  );
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('test');
  const end = (n: number, sampled = true) => {
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan('s', {}, ROOT_CONTEXT);
      if (!sampled) (span.spanContext() as { traceFlags: number }).traceFlags = TraceFlags.NONE;
      span.end();
    }
  };
  return { exporter, processor, end };
}

const snapshot = () => ({ ...spanExportStats });
const delta = (before: typeof spanExportStats) => ({
  exported: spanExportStats.exported - before.exported,
  droppedQueueFull: spanExportStats.droppedQueueFull - before.droppedQueueFull,
  droppedExportFailed: spanExportStats.droppedExportFailed - before.droppedExportFailed,
});

describe('span export counting', () => {
  it('counts exported spans, and spans the backend refused as export_failed', async () => {
    const { exporter, processor, end } = setup(10);
    const before = snapshot();
    end(4);
    await processor.forceFlush();
    exporter.mode = 'fail';
    end(3);
    await processor.forceFlush().catch(() => undefined);
    expect(delta(before)).toEqual({ exported: 4, droppedQueueFull: 0, droppedExportFailed: 3 });
  });

  it('counts exactly the spans a full queue drops while the backend hangs, and none once it is back', async () => {
    const { exporter, processor, end } = setup(5);
    const before = snapshot();
    exporter.mode = 'hold';
    end(5); // the queue is full: the 5th span triggers an export of all five, which hangs
    end(5); // queued behind it (the queue is empty again)
    end(3); // nowhere to go
    expect(exporter.received).toBe(5);
    expect(delta(before).droppedQueueFull).toBe(3);
    // Unsampled spans never reach the queue: not counted either way.
    end(4, false);
    expect(delta(before).droppedQueueFull).toBe(3);
    // The backend answers: the held batch is exported and the queue drains.
    exporter.mode = 'accept';
    for (const done of exporter.held) done({ code: ExportResultCode.SUCCESS });
    await processor.forceFlush();
    end(2);
    await processor.forceFlush();
    expect(delta(before)).toEqual({ exported: 12, droppedQueueFull: 3, droppedExportFailed: 0 });
  });
});
