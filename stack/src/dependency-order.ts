// Start order from `dependsOn`: a stable topological sort (registry order breaks ties), with errors
// that name the unknown dependency or the cycle.

export interface Node {
  name: string;
  dependsOn?: string[];
}

export function startOrder<T extends Node>(nodes: T[]): T[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  if (byName.size !== nodes.length) {
    const dup = nodes.find((n, i) => nodes.findIndex((m) => m.name === n.name) !== i)!;
    throw new Error(`component "${dup.name}" is registered twice in stack/src/components.ts.`);
  }
  for (const n of nodes) {
    for (const d of n.dependsOn ?? []) {
      if (!byName.has(d))
        throw new Error(`component "${n.name}" depends on "${d}", which is not registered.`);
    }
  }
  const order: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: T, path: string[]) => {
    if (state.get(n.name) === 'done') return;
    if (state.get(n.name) === 'visiting') {
      throw new Error(`dependency cycle: ${[...path.slice(path.indexOf(n.name)), n.name].join(' → ')}`);
    }
    state.set(n.name, 'visiting');
    for (const d of n.dependsOn ?? []) visit(byName.get(d)!, [...path, n.name]);
    state.set(n.name, 'done');
    order.push(n);
  };
  for (const n of nodes) visit(n, []);
  return order;
}
