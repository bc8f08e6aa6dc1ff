import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder at or above `from` that holds slo/specs. */
export function findRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'slo', 'specs'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `no slo/specs folder at or above ${from}; run inside the gameday repository or pass --root`,
      );
    }
    dir = parent;
  }
}
