#!/usr/bin/env node
// `npm start` ends here: starts the local stack, prints the status, and on Ctrl-C or SIGTERM stops
// everything it started and exits 0 (a second Ctrl-C kills everything at once).

import { resolve } from 'node:path';
import { ConfigError, LocalStack, StartError } from './stack';
import type { Console } from './stack';

const tty = process.stdout.isTTY === true;
const paint = (code: number, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const stamp = () => new Date().toISOString().slice(11, 19);

const out: Console = {
  info: (line) => process.stdout.write(`${paint(36, '[stack]')} ${paint(2, stamp())} ${line}\n`),
  warn: (line) => process.stdout.write(`${paint(33, '[stack]')} ${paint(2, stamp())} ${paint(33, line)}\n`),
  block: (text) => process.stdout.write(`${text}\n`),
};

function fail(message: string): void {
  process.stderr.write(`${paint(31, '[stack] error:')} ${message}\n`);
}

async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  let stack: LocalStack;
  try {
    stack = new LocalStack({ root, env: process.env, argv: process.argv.slice(2), console: out });
  } catch (err) {
    fail((err as Error).message);
    return 2;
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      out.warn(`${signal} again: killing everything now.`);
      void stack.killAll().finally(() => process.exit(130));
      return;
    }
    out.info(`${signal}: stopping (services, then Prometheus and Alertmanager, then PostgreSQL)…`);
    stopping = stack.stop();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  process.on('SIGUSR2', () => stack.printStatus(false));

  try {
    await stack.start();
  } catch (err) {
    if (err instanceof StartError) {
      fail(err.message);
      if (err.logTail.length > 0) {
        process.stderr.write(
          `  last lines of ${err.logFile}:\n${err.logTail.map((l) => `    ${l}`).join('\n')}\n`,
        );
      }
      if (err.hint) process.stderr.write(`  what to do: ${err.hint}\n`);
    } else if (err instanceof ConfigError) {
      fail(err.message);
    } else {
      fail((err as Error).stack ?? String(err));
    }
    await stopping;
    return 1;
  }
  if (stopping) {
    // A signal arrived while starting: start() returned early.
    await stopping;
    out.info('stopped.');
    return 0;
  }
  // Runs until a signal: the event loop is kept alive by the server and timers.
  await new Promise<void>((resolveStop) => {
    const wait = setInterval(() => {
      if (stopping) {
        clearInterval(wait);
        void stopping.then(resolveStop);
      }
    }, 100);
  });
  out.info('stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    fail((err as Error).stack ?? String(err));
    process.exit(1);
  },
);
