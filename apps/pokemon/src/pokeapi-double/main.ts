// Runs the PokeAPI double as a process (the local stack's `pokeapi` component):
//   node apps/pokemon/dist/pokeapi-double/main.js   (PORT, default 8088; HOST, default 127.0.0.1)
import { startPokeapiDouble } from './server';

const port = Number(process.env.PORT ?? 8088);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT=${process.env.PORT} is not a port number (0-65535)`);
  process.exit(2);
}
startPokeapiDouble({ port, host: process.env.HOST ?? '127.0.0.1' }).then(
  (double) => {
    console.log(JSON.stringify({ level: 'info', message: 'PokeAPI double listening', url: double.apiUrl }));
    const stop = () => void double.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (err: Error) => {
    console.error(`the PokeAPI double could not start: ${err.message}`);
    process.exit(1);
  },
);
