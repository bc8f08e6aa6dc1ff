#!/usr/bin/env node
// npm audit with the project's policy (security/audit-policy.json): runs `npm audit --omit=dev
// --json` (the advisories of what the services ship, not of the dev tools), prints a table and
// fails on an advisory at or above the policy's `failOn` severity that the policy does not allow
// (an allowance past its `expires` day fails again). Plain Node, no dependencies.
//
//   node scripts/audit.mjs [--policy FILE] [--report FILE] [--today YYYY-MM-DD]
//     --report FILE  judge a saved `npm audit --json` output instead of running npm audit
//
// Exit codes: 0 passed, 1 an advisory breaks the policy, 2 could not audit (the audit endpoint
// refused or could not be reached, or the policy is invalid).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const {
  AuditPolicyError,
  applyAuditPolicy,
  auditFailure,
  formatAuditTable,
  parsePolicy,
} = require('./lib/audit-policy.cjs');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function stop(code, msg) {
  process.stderr.write(`\x1b[31m[audit] ${msg}\x1b[0m\n`);
  process.exit(code);
}

function readJson(file, what) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    stop(2, `cannot read ${what} ${file}: ${err.message}`);
  }
}

const { values } = parseArgs({
  options: {
    policy: { type: 'string', default: join(root, 'security', 'audit-policy.json') },
    report: { type: 'string' },
    today: { type: 'string' },
  },
});

let policy;
try {
  policy = parsePolicy(readJson(resolve(values.policy), 'the policy'), values.policy);
} catch (err) {
  if (err instanceof AuditPolicyError) stop(2, err.message);
  throw err;
}

let report;
if (values.report) {
  report = readJson(resolve(values.report), 'the report');
} else {
  // npm audit exits 1 whenever it finds anything: its JSON, not its exit code, says what happened.
  const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) stop(2, `cannot run npm audit: ${r.error.message}`);
  try {
    report = JSON.parse(r.stdout);
  } catch {
    const said = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-10).join('\n');
    stop(2, `npm audit printed no JSON (exit ${r.status}):\n${said}`);
  }
}

const failure = auditFailure(report);
if (failure) {
  const status = failure.status ? `HTTP ${failure.status}` : (failure.code ?? 'no answer');
  stop(
    2,
    `the registry's audit endpoint could not be used (${status}): ${failure.message}\n` +
      'Nothing was judged. Run this where the registry serves advisories (CI does), or judge a saved ' +
      'report: node scripts/audit.mjs --report audit.json',
  );
}

const result = applyAuditPolicy(report, policy, values.today ? { today: values.today } : {});
process.stdout.write(formatAuditTable(result));
if (result.violations.length > 0) {
  const lines = result.violations.map(
    (v) => `  ${v.package} (${v.severity}) ${v.url || v.advisory}${v.note ? ` — ${v.note}` : ''}`,
  );
  stop(
    1,
    `${result.violations.length} advisor${result.violations.length === 1 ? 'y' : 'ies'} at or above ` +
      `${result.failOn} break the policy (security/audit-policy.json):\n${lines.join('\n')}\n` +
      'Upgrade (npm audit fix, or a newer version of the package that depends on it), or allow the ' +
      'advisory in security/audit-policy.json with a reason and an expiry date.',
  );
}
process.stdout.write(`npm audit: passed (fails on ${result.failOn} and above)\n`);
