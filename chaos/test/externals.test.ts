// PostgreSQL and Kafka outside the cluster (RDS and MSK on EKS): with their hosts given, a fault on
// them is a NetworkChaos on their clients' pods towards those hosts, valid against the CRD.
import { CLUSTER_EXTERNALS, parseExternals } from '../src/externals';
import { renderManifest, validateManifest } from '../src/engines/chaos-mesh';
import { parseExperiment } from '../src/spec';
import { SERVICES } from '@gameday/telemetry/contract';

function spec(target: Record<string, unknown>, fault: Record<string, unknown>) {
  return parseExperiment(
    JSON.stringify({
      apiVersion: 'gameday/v1',
      kind: 'ChaosExperiment',
      metadata: { name: 'x', description: 'test' },
      spec: { target, fault, duration: '30s', hypothesis: { slos: ['wallet/availability'] } },
    }),
    'x.yaml',
  );
}

describe('dependencies outside the cluster', () => {
  test('clients are the services the contract gives a database or a Kafka role', () => {
    expect(CLUSTER_EXTERNALS['postgres']!.clients).toEqual(
      SERVICES.filter((s) => s.database).map((s) => s.name),
    );
    expect(CLUSTER_EXTERNALS['kafka']!.clients).toContain('events');
    expect(CLUSTER_EXTERNALS['kafka']!.clients).not.toContain('gateway');
  });

  test('--external values parse; a bad one is named', () => {
    expect(parseExternals(['postgres=db.internal:5432', 'kafka=b-1.msk,b-2.msk', 'kafka=b-3.msk'])).toEqual({
      postgres: ['db.internal'],
      kafka: ['b-1.msk', 'b-2.msk', 'b-3.msk'],
    });
    expect(() => parseExternals(['postgres'])).toThrow(/--external postgres: expected <dependency>=<host>/);
    expect(() => parseExternals(['postgres=bad host'])).toThrow(/--external postgres=bad host/);
  });

  test('a PostgreSQL blackhole with hosts: NetworkChaos on every database client towards RDS', () => {
    const m = renderManifest(
      spec({ service: 'postgres' }, { type: 'network', action: 'blackhole' }),
      'run-1',
      'gameday',
      {
        externals: { postgres: ['gameday.cluster-x.eu-west-1.rds.amazonaws.com'] },
      },
    );
    expect(m.kind).toBe('NetworkChaos');
    expect(m.spec).toMatchObject({
      action: 'partition',
      direction: 'to',
      mode: 'all',
      externalTargets: ['gameday.cluster-x.eu-west-1.rds.amazonaws.com'],
      selector: {
        namespaces: ['gameday'],
        expressionSelectors: [
          { key: 'app.kubernetes.io/name', operator: 'In', values: CLUSTER_EXTERNALS['postgres']!.clients },
        ],
      },
      duration: '30s',
    });
    expect(validateManifest(m as never)).toEqual([]);
  });

  test('a Kafka broker kill on MSK is a partition of its clients from the brokers; spec hosts win', () => {
    const m = renderManifest(
      spec({ service: 'kafka', external: ['b-1.msk.example.com'] }, { type: 'kafka-broker-kill' }),
      'run-2',
      'gameday',
      { externals: { kafka: ['ignored.example.com'] } },
    );
    expect(m.spec).toMatchObject({ action: 'partition', externalTargets: ['b-1.msk.example.com'] });
    expect(validateManifest(m as never)).toEqual([]);
  });

  test('without hosts they are pods in the cluster, as before; a process fault on RDS is refused', () => {
    const inCluster = renderManifest(
      spec({ service: 'kafka' }, { type: 'kafka-broker-kill' }),
      'run-3',
      'gameday',
    );
    expect(inCluster.kind).toBe('PodChaos');
    expect(() =>
      renderManifest(spec({ service: 'postgres' }, { type: 'process-kill' }), 'run-4', 'gameday', {
        externals: { postgres: ['db.internal'] },
      }),
    ).toThrow(/process-kill cannot act on postgres on EKS \(it is RDS PostgreSQL\): use a network fault/);
  });
});
