import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('accounts', async () => {
  await startServer();
});
