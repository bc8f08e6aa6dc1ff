// Local-engine faults that need no stack: stress workers are real processes that a rollback kills
// (and that would die at their own deadline), and network faults become the right Toxiproxy toxics.
import { LocalEngine, toxicsFor } from '../src/engines/local';
import { parseExperiment } from '../src/spec';
import type { Fault } from '../src/spec';

const spec = (fault: string) =>
  parseExperiment(
    `apiVersion: gameday/v1
kind: ChaosExperiment
metadata: { name: stress }
spec:
  target: { service: gateway }
  fault: ${fault}
  duration: 30s
  hypothesis: { slos: [gateway/latency] }
`,
    'stress.yaml',
  );

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local engine', () => {
  it.each([
    ['cpu-stress', '{ type: cpu-stress, workers: 2, load: 50% }', 2],
    ['memory-stress', '{ type: memory-stress, sizeMB: 64 }', 1],
  ])('%s starts real workers and a rollback kills every one', async (_name, fault, count) => {
    const engine = new LocalEngine({ stateFile: '/nonexistent/stack.json' });
    await engine.inject(spec(fault), 'gameday-stress-1');
    const pids = (await engine.leftovers()).map((l) => Number(/pid (\d+)/.exec(l)![1]));
    expect(pids).toHaveLength(count);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    await engine.remove();
    expect(await engine.leftovers()).toEqual([]);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('turns network faults into Toxiproxy toxics', () => {
    const net = (f: string) => spec(f).spec.fault as Extract<Fault, { type: 'network' }>;
    expect(toxicsFor(net('{ type: network, action: latency, latency: 500ms, jitter: 50ms }'), 'x')).toEqual([
      {
        name: 'x',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 500, jitter: 50 },
      },
    ]);
    expect(
      toxicsFor(net('{ type: network, action: blackhole }'), 'x').map((t) => [t.name, t.type, t.stream]),
    ).toEqual([
      ['x-upstream', 'timeout', 'upstream'],
      ['x-downstream', 'timeout', 'downstream'],
    ]);
    expect(toxicsFor(net('{ type: network, action: reset }'), 'x').map((t) => t.type)).toEqual([
      'reset_peer',
      'reset_peer',
    ]);
    expect(toxicsFor(net('{ type: network, action: bandwidth, rateKBps: 16 }'), 'x')[0]).toMatchObject({
      type: 'bandwidth',
      attributes: { rate: 16 },
    });
    expect(toxicsFor(net('{ type: network, action: loss, percent: 30% }'), 'x')[0]).toMatchObject({
      type: 'timeout',
      toxicity: 0.3,
    });
  });
});
