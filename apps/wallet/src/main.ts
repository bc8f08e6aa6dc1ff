import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('wallet', async () => {
  await startServer();
});
