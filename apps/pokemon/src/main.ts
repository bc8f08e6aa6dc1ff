import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('pokemon', async () => {
  await startServer();
});
