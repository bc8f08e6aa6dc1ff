#!/usr/bin/env node
import { processIo } from './io';
import { run } from './program';

run(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gameday: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
