// Loaded first by main.ts: OpenTelemetry must patch http and express before they load.
import { startTracing } from '@gameday/telemetry/tracing';

startTracing({ serviceName: 'gateway' });
