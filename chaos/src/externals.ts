// Platform dependencies that run outside the cluster on EKS: PostgreSQL is RDS, Kafka is MSK. The
// kubernetes engine cannot touch their processes, so a fault on one is a fault on the path to it: a
// NetworkChaos on every client pod (the services the contract gives a database or a Kafka role)
// towards the hosts named with `--external <name>=<host>[,<host>]` or the spec's target.external.
// The local engine still acts on the real processes.
import { SERVICES } from '@gameday/telemetry/contract';

export interface ClusterExternal {
  /** What runs it on AWS (for messages). */
  what: string;
  /** The services that call it: the pods the fault sits on. */
  clients: readonly string[];
}

export const CLUSTER_EXTERNALS: Readonly<Record<string, ClusterExternal>> = {
  postgres: { what: 'RDS PostgreSQL', clients: SERVICES.filter((s) => s.database).map((s) => s.name) },
  kafka: { what: 'Amazon MSK', clients: SERVICES.filter((s) => s.kafka).map((s) => s.name) },
};

/** Parses `--external name=host[,host]` values into a map; errors name the bad value. */
export function parseExternals(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(v);
    const hosts = m?.[2]?.split(',').map((h) => h.trim()) ?? [];
    if (!m || hosts.some((h) => !/^[A-Za-z0-9.-]+(:\d+)?$|^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(h))) {
      throw new Error(
        `--external ${v}: expected <dependency>=<host>[,<host>] (e.g. postgres=db.example.com)`,
      );
    }
    out[m[1]!] = [...(out[m[1]!] ?? []), ...hosts.map((h) => h.replace(/:\d+$/, ''))];
  }
  return out;
}
