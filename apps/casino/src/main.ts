import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('casino', async () => {
  await startServer();
});
