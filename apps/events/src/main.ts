import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('events', async () => {
  await startServer();
});
