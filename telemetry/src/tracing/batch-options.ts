// How finished spans are batched for export: our defaults, overridden by the standard OTEL_BSP_*
// variables, validated so a typo fails at start.
/**
 * Batching defaults for span export. A batch leaves when it is full or after the delay, whichever
 * comes first; at a few thousand spans a second a batch fills in tens of milliseconds.
 */
export const BSP_DEFAULTS = {
  maxQueueSize: 8192,
  maxExportBatchSize: 1024,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 10_000,
} as const;

export type BatchOptions = { -readonly [K in keyof typeof BSP_DEFAULTS]: number };

/** The batch span processor's options: `BSP_DEFAULTS`, each overridden by its OTEL_BSP_* variable. */
export function batchOptionsFromEnv(env: NodeJS.ProcessEnv): BatchOptions {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
    }
    return v;
  };
  const options: BatchOptions = {
    maxQueueSize: read('OTEL_BSP_MAX_QUEUE_SIZE', BSP_DEFAULTS.maxQueueSize, 1),
    maxExportBatchSize: read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', BSP_DEFAULTS.maxExportBatchSize, 1),
    scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY', BSP_DEFAULTS.scheduledDelayMillis, 0),
    exportTimeoutMillis: read('OTEL_BSP_EXPORT_TIMEOUT', BSP_DEFAULTS.exportTimeoutMillis, 1),
  };
  if (options.maxExportBatchSize > options.maxQueueSize) {
    throw new Error(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE (${options.maxExportBatchSize}) must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${options.maxQueueSize})`,
    );
  }
  return options;
}
