import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('scheduler', async () => {
  await startServer();
});
