#!/usr/bin/env node
// The `gameday` command (`npx gameday ...`). A checked-in shim, so npm links it into
// node_modules/.bin on the first install, before `tsc -b` has written dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(
    `gameday: ${main} is not built yet: run \`npx tsc -b\` (npm start and npm test do) and try again.\n`,
  );
  process.exit(2);
}
require(main);
