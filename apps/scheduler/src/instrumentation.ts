// Loaded first by main.ts: OpenTelemetry must patch http, express, pg and winston before they load.
import { startTracing } from '@gameday/telemetry/tracing';

startTracing({ serviceName: 'scheduler' });
