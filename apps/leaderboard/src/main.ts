import './instrumentation';
import { runMain } from '@gameday/telemetry';
import { startServer } from './server';

runMain('leaderboard', async () => {
  await startServer();
});
