export { startServer } from './server';
export type { EventsServer } from './server';
export { routes } from './routes';
export { parseEvents } from './domain/ingest';
