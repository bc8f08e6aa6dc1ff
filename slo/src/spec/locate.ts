import { isNode, type Document, type LineCounter } from 'yaml';

export type PathSegment = string | number;

/** `['slos', 1, 'sli', 'threshold']` → `slos[1].sli.threshold`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** JSON pointer (`/slos/1/sli`) → path segments, numbers for array indices. */
export function fromJsonPointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Line and column of the deepest node that exists along `path`, so a missing field points at its parent. */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly PathSegment[],
): { line: number; column: number } | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}
