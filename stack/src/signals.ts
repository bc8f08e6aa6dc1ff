// What an SRE sees besides metrics: the trace backend, the log backend and the log agent of the local
// stack. In the cluster, traces go to Tempo and logs to Loki behind Grafana; neither can run on these
// machines, so the local stack runs open-source backends that speak the same protocols and service
// code stays the same for both (ARCHITECTURE.md §3):
//
//   services ──OTLP/HTTP spans──▶ jaeger (:4318 in, query API :16686)
//   services ──JSON lines──▶ .gameday/logs/<service>.log ──▶ logagent (OpenTelemetry Collector,
//            filelog receiver) ──OTLP/HTTP logs──▶ victorialogs (:9428, LogsQL)
//
// The agent tails the files the supervisor already writes, so a service pays nothing per line for
// shipping and a slow or absent log backend can never block it (production's node agent has the
// same shape). Every component is bounded: Jaeger keeps at most JAEGER_MAX_TRACES traces in memory,
// VictoriaLogs a retention period and a disk budget, the agent a memory limit and a send queue.
// OTEL_EXPORTER_OTLP_ENDPOINT set before `npm start` sends spans there instead (no local Jaeger).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ComponentSpec, StackContext } from './component';

/** Binaries the bootstrap scripts build (scripts/jaeger.mjs, victorialogs.mjs, otelcol.mjs). */
export interface SignalBinaries {
  jaeger(ctx: StackContext): string;
  victoriaLogs(ctx: StackContext): string;
  logAgent(ctx: StackContext): string;
}

/** Ports (ARCHITECTURE.md §3): OTLP/HTTP 4318, Jaeger query 16686, VictoriaLogs 9428. */
export const SIGNAL_PORTS = {
  jaegerQuery: 16686,
  jaegerOtlp: 4318,
  jaegerQueryGrpc: 16685,
  jaegerMetrics: 14269,
  jaegerHealth: 13133,
  victoriaLogs: 9428,
  logAgentMetrics: 8888,
} as const;

/** Extra port names (moved by GAMEDAY_PORT_OFFSET and GAMEDAY_<NAME>_PORT like the main ones). */
export const JAEGER_OTLP = 'jaeger-otlp';
const JAEGER_GRPC = 'jaeger-grpc';
const JAEGER_METRICS = 'jaeger-metrics';
const JAEGER_HEALTH = 'jaeger-health';

const DEFAULT_MAX_TRACES = 20_000;

function skipped(ctx: StackContext, name: string): boolean {
  return (ctx.env.GAMEDAY_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(name);
}

function positiveInt(ctx: StackContext, variable: string, fallback: number): number {
  const raw = ctx.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${variable}=${JSON.stringify(raw)} is not a positive integer.`);
  return n;
}

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT for the services: the user's own when set, else the stack's Jaeger,
 * else nothing (Jaeger skipped: spans are not exported, as before).
 */
export function otlpEndpoint(ctx: StackContext): Record<string, string> {
  if (ctx.env.OTEL_EXPORTER_OTLP_ENDPOINT) return {};
  if (skipped(ctx, 'jaeger')) return {};
  return { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ctx.port(JAEGER_OTLP)}` };
}

/** stack.json's `traces` and `logs`: where `gameday trace`, `gameday logs` and the chaos reports look. */
export function signalUrls(
  ctx: StackContext,
  runs: (name: string) => boolean,
): { traces?: { url: string; otlp: string }; logs?: { url: string } } {
  return {
    ...(runs('jaeger')
      ? { traces: { url: ctx.url('jaeger'), otlp: `http://127.0.0.1:${ctx.port(JAEGER_OTLP)}` } }
      : {}),
    ...(runs('victorialogs') ? { logs: { url: ctx.url('victorialogs') } } : {}),
  };
}

export interface JaegerPorts {
  query: number;
  otlp: number;
  queryGrpc: number;
  metrics: number;
  health: number;
}

export function jaegerPorts(ctx: StackContext): JaegerPorts {
  return {
    query: ctx.port('jaeger'),
    otlp: ctx.port(JAEGER_OTLP),
    queryGrpc: ctx.port(JAEGER_GRPC),
    metrics: ctx.port(JAEGER_METRICS),
    health: ctx.port(JAEGER_HEALTH),
  };
}

/** Jaeger v2 configuration: OTLP/HTTP receiver → bounded memory store, query API, own metrics. */
export function jaegerConfig(ports: JaegerPorts, maxTraces: number): string {
  const at = (port: number) => `127.0.0.1:${port}`;
  const config = {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: {
          receivers: ['otlp'],
          processors: ['memory_limiter', 'batch'],
          exporters: ['jaeger_storage_exporter'],
        },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: {
          level: 'detailed',
          readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: ports.metrics } } } }],
        },
        logs: { level: 'warn', encoding: 'json' },
      },
    },
    extensions: {
      jaeger_query: {
        storage: { traces: 'memstore' },
        http: { endpoint: at(ports.query) },
        grpc: { endpoint: at(ports.queryGrpc) },
      },
      jaeger_storage: { backends: { memstore: { memory: { max_traces: maxTraces } } } },
      healthcheckv2: { use_v2: true, http: { endpoint: at(ports.health) } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: at(ports.otlp) } } } },
    processors: {
      // Refuses spans (the SDK counts them as dropped) rather than grow past this.
      memory_limiter: { check_interval: '1s', limit_mib: 400, spike_limit_mib: 100 },
      batch: {},
    },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  };
  return (
    '# Code generated by the gameday local stack (stack/src/signals.ts). DO NOT EDIT.\n' + stringify(config)
  );
}

export function jaeger(binary: (ctx: StackContext) => string): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'jaeger');
  return {
    name: 'jaeger',
    kind: 'infra',
    description: 'Jaeger v2: traces over OTLP/HTTP, query API and UI (memory store)',
    defaultPort: SIGNAL_PORTS.jaegerQuery,
    extraPorts: {
      [JAEGER_OTLP]: SIGNAL_PORTS.jaegerOtlp,
      [JAEGER_GRPC]: SIGNAL_PORTS.jaegerQueryGrpc,
      [JAEGER_METRICS]: SIGNAL_PORTS.jaegerMetrics,
      [JAEGER_HEALTH]: SIGNAL_PORTS.jaegerHealth,
    },
    skip: (ctx) =>
      ctx.env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? 'OTEL_EXPORTER_OTLP_ENDPOINT is set: services export there'
        : undefined,
    scrapeJob: 'jaeger',
    scrapePort: JAEGER_METRICS,
    async prepare(ctx) {
      mkdirSync(dir(ctx), { recursive: true });
      // GAMEDAY_JAEGER_MAX_TRACES: how many traces the memory store keeps (oldest go first).
      const maxTraces = positiveInt(ctx, 'GAMEDAY_JAEGER_MAX_TRACES', DEFAULT_MAX_TRACES);
      writeFileSync(join(dir(ctx), 'config.yaml'), jaegerConfig(jaegerPorts(ctx), maxTraces));
    },
    command: (ctx) => ({
      command: binary(ctx),
      args: ['--config', `file:${join(dir(ctx), 'config.yaml')}`],
      // A soft ceiling for the Go heap, well above what max_traces needs.
      env: { GOMEMLIMIT: '768MiB' },
    }),
    readiness: (ctx) => ({ kind: 'http', url: `http://127.0.0.1:${ctx.port(JAEGER_HEALTH)}/status` }),
    shutdownPhase: 2,
    hint: (ctx) =>
      `look at ${join(ctx.home, 'logs', 'jaeger.log')} and the generated ${join(dir(ctx), 'config.yaml')}; ` +
      'rebuild with `node scripts/jaeger.mjs`, or run without traces: GAMEDAY_SKIP=jaeger.',
  };
}

export function victoriaLogs(binary: (ctx: StackContext) => string): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'victorialogs');
  return {
    name: 'victorialogs',
    kind: 'infra',
    description: 'VictoriaLogs: log search (LogsQL), Loki push and OTLP ingestion',
    defaultPort: SIGNAL_PORTS.victoriaLogs,
    scrapeJob: 'victorialogs',
    async prepare(ctx) {
      mkdirSync(dir(ctx), { recursive: true });
    },
    command: (ctx) => ({
      command: binary(ctx),
      args: [
        `-storageDataPath=${dir(ctx)}`,
        `-httpListenAddr=127.0.0.1:${ctx.port('victorialogs')}`,
        // Bounded: lines older than this go, and the oldest days go first past the disk budget.
        `-retentionPeriod=${ctx.env.GAMEDAY_LOGS_RETENTION ?? '3d'}`,
        `-retention.maxDiskSpaceUsageBytes=${ctx.env.GAMEDAY_LOGS_MAX_DISK ?? '2GiB'}`,
        // Caches are sized from this, not from the machine's memory.
        '-memory.allowedBytes=256MiB',
        '-loggerLevel=WARN',
      ],
    }),
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url('victorialogs')}/health` }),
    // With the other observability components, after the services; the agent (which depends on it)
    // stops first within the phase, so its last lines are sent.
    shutdownPhase: 2,
    hint: (ctx) =>
      `look at ${join(ctx.home, 'logs', 'victorialogs.log')}; rebuild with \`node scripts/victorialogs.mjs\`, ` +
      `or delete ${dir(ctx)} (local logs only) when its data is damaged.`,
  };
}

/** The services whose log files the agent ships (every registry entry of kind service). */
export type ServiceNames = (ctx: StackContext) => string[];

/**
 * The log agent's configuration: tail each service's JSON log file, parse it (timestamp, severity,
 * trace context; `service`, `level`, `trace_id`, `span_id`, `request_id` stay fields), and send it
 * as OTLP/HTTP logs to VictoriaLogs, one stream per service. Bounded memory; retries while the
 * backend is away; what it has to drop, it counts (otelcol_exporter_send_failed_log_records,
 * otelcol_exporter_enqueue_failed_log_records).
 */
export interface LogAgentInput {
  /** The JSON log files to tail (`<service>.log`: the name is the service when a line has none). */
  files: string[];
  /** Where read offsets are kept across restarts. */
  offsetsDir: string;
  /** VictoriaLogs' base URL. */
  logsUrl: string;
  metricsPort: number;
}

export function logAgentConfig(input: LogAgentInput): string {
  const config = {
    extensions: { file_storage: { directory: input.offsetsDir } },
    receivers: {
      file_log: {
        include: input.files,
        start_at: 'beginning',
        storage: 'file_storage',
        poll_interval: '250ms',
        max_log_size: '64KiB',
        include_file_name: true,
        operators: [
          {
            type: 'json_parser',
            if: 'body matches "^\\\\s*\\\\{"',
            parse_to: 'attributes',
            on_error: 'send_quiet',
            timestamp: {
              parse_from: 'attributes.timestamp',
              layout_type: 'gotime',
              layout: '2006-01-02T15:04:05.999999999Z07:00',
            },
            severity: { parse_from: 'attributes.level', on_error: 'send_quiet' },
          },
          // A line that is not JSON (a crash's stack trace) still names its service.
          {
            type: 'regex_parser',
            if: 'attributes.service == nil',
            parse_from: 'attributes["log.file.name"]',
            regex: '^(?P<service>[^.]+)\\.log$',
            on_error: 'send_quiet',
          },
          { type: 'move', if: 'attributes.message != nil', from: 'attributes.message', to: 'body' },
          { type: 'remove', if: 'attributes.timestamp != nil', field: 'attributes.timestamp' },
          { type: 'copy', from: 'attributes.service', to: 'resource["service.name"]' },
        ],
      },
    },
    processors: {
      memory_limiter: { check_interval: '1s', limit_mib: 192, spike_limit_mib: 48 },
      batch: { send_batch_size: 2000, timeout: '1s' },
    },
    exporters: {
      'otlp_http/victorialogs': {
        logs_endpoint: `${input.logsUrl}/insert/opentelemetry/v1/logs`,
        headers: { 'VL-Stream-Fields': 'service.name' },
        compression: 'gzip',
        timeout: '10s',
        retry_on_failure: {
          enabled: true,
          initial_interval: '1s',
          max_interval: '10s',
          max_elapsed_time: '10m',
        },
        sending_queue: { enabled: true, num_consumers: 2, queue_size: 200 },
      },
    },
    service: {
      extensions: ['file_storage'],
      pipelines: {
        logs: {
          receivers: ['file_log'],
          processors: ['memory_limiter', 'batch'],
          exporters: ['otlp_http/victorialogs'],
        },
      },
      telemetry: {
        logs: { level: 'warn', encoding: 'json' },
        metrics: {
          level: 'normal',
          readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: input.metricsPort } } } }],
        },
      },
    },
  };
  return (
    '# Code generated by the gameday local stack (stack/src/signals.ts). DO NOT EDIT.\n' + stringify(config)
  );
}

export function logAgent(binary: (ctx: StackContext) => string, services: ServiceNames): ComponentSpec {
  const dir = (ctx: StackContext) => join(ctx.home, 'logagent');
  return {
    name: 'logagent',
    kind: 'infra',
    description: 'log agent (OpenTelemetry Collector): service log files → VictoriaLogs',
    defaultPort: SIGNAL_PORTS.logAgentMetrics,
    dependsOn: ['victorialogs'],
    // Nothing to ship to: the agent would retry for ten minutes and then drop every line.
    skip: (ctx) => (skipped(ctx, 'victorialogs') ? 'victorialogs is skipped (GAMEDAY_SKIP)' : undefined),
    scrapeJob: 'logagent',
    async prepare(ctx) {
      mkdirSync(join(dir(ctx), 'offsets'), { recursive: true });
      writeFileSync(
        join(dir(ctx), 'config.yaml'),
        logAgentConfig({
          files: services(ctx).map((s) => join(ctx.home, 'logs', `${s}.log`)),
          offsetsDir: join(dir(ctx), 'offsets'),
          logsUrl: ctx.url('victorialogs'),
          metricsPort: ctx.port('logagent'),
        }),
      );
    },
    command: (ctx) => ({
      command: binary(ctx),
      args: ['--config', `file:${join(dir(ctx), 'config.yaml')}`],
      env: { GOMEMLIMIT: '256MiB' },
    }),
    readiness: (ctx) => ({ kind: 'http', url: `${ctx.url('logagent')}/metrics` }),
    shutdownPhase: 2,
    hint: (ctx) =>
      `look at ${join(ctx.home, 'logs', 'logagent.log')} and the generated ${join(dir(ctx), 'config.yaml')} ` +
      '(check it with `node scripts/otelcol.mjs path` then `<binary> validate --config file:<config>`); ' +
      'run without log shipping: GAMEDAY_SKIP=logagent.',
  };
}
