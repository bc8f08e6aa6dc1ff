import { startOrder } from './dependency-order';

const names = (ns: { name: string }[]) => ns.map((n) => n.name);

describe('start order', () => {
  it('starts dependencies first and otherwise keeps registry order', () => {
    const order = startOrder([
      { name: 'gateway', dependsOn: ['accounts'] },
      { name: 'prometheus', dependsOn: ['alertmanager'] },
      { name: 'accounts', dependsOn: ['postgres'] },
      { name: 'postgres' },
      { name: 'alertmanager' },
    ]);
    expect(names(order)).toEqual(['postgres', 'accounts', 'gateway', 'alertmanager', 'prometheus']);
  });

  it('names an unknown dependency', () => {
    expect(() => startOrder([{ name: 'wallet', dependsOn: ['kafka'] }])).toThrow(
      'component "wallet" depends on "kafka", which is not registered.',
    );
  });

  it('names the cycle', () => {
    expect(() =>
      startOrder([
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['c'] },
        { name: 'c', dependsOn: ['a'] },
      ]),
    ).toThrow('dependency cycle: a → b → c → a');
  });
});
