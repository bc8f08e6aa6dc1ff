import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('gateway', async () => {
  await startServer();
});
