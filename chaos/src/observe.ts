// What the controller reads while it runs an experiment: instant PromQL queries at an exact
// evaluation time, the alerts Prometheus has firing, the alerts Alertmanager holds (and to which
// receivers), and — on the local stack — the notifications the webhook receivers got.

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface AlertState {
  alertname: string;
  labels: Record<string, string>;
  state: string;
  activeAt?: string;
}

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  state: string;
  receivers: string[];
  startsAt: string;
}

export interface Notification {
  receiver: string;
  received_at: string;
  status: string;
  alerts: { labels: Record<string, string>; status: string; startsAt?: string }[];
}

export class ObserveError extends Error {}

async function getJson(url: string, what: string, signal?: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: signal ?? AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new ObserveError(`${what} at ${new URL(url).origin} is not reachable (${(err as Error).message})`);
  }
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const detail = (body as { error?: string } | undefined)?.error ?? '';
    throw new ObserveError(`${what} answered HTTP ${response.status} ${detail}`.trim());
  }
  return body;
}

export class Prometheus {
  constructor(readonly url: string) {}

  /** Evaluates `promql` at `time` (unix seconds). Empty result → []. */
  async query(promql: string, time: number): Promise<Sample[]> {
    const u = `${this.url.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}&time=${time.toFixed(3)}`;
    const body = (await getJson(u, 'Prometheus', undefined)) as {
      status: string;
      error?: string;
      data?: {
        resultType: string;
        result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
      };
    };
    if (body.status !== 'success' || !body.data)
      throw new ObserveError(`query failed: ${body.error ?? 'no data'}\n  ${promql}`);
    if (body.data.resultType === 'scalar') {
      const [, v] = body.data.result as [number, string];
      return [{ labels: {}, value: Number(v) }];
    }
    return (body.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }

  /** One number (the first series), or null when the query has no result (no data). */
  async scalar(promql: string, time: number): Promise<number | null> {
    const rows = await this.query(promql, time);
    if (rows.length === 0) return null;
    return Number.isNaN(rows[0]!.value) ? null : rows[0]!.value;
  }

  async alerts(): Promise<AlertState[]> {
    const body = (await getJson(`${this.url.replace(/\/+$/, '')}/api/v1/alerts`, 'Prometheus')) as {
      data: { alerts: { labels: Record<string, string>; state: string; activeAt?: string }[] };
    };
    return body.data.alerts.map((a) => ({
      alertname: a.labels.alertname ?? '',
      labels: a.labels,
      state: a.state,
      ...(a.activeAt ? { activeAt: a.activeAt } : {}),
    }));
  }

  async ready(): Promise<void> {
    await getJson(`${this.url.replace(/\/+$/, '')}/api/v1/status/buildinfo`, 'Prometheus');
  }
}

export class Alertmanager {
  constructor(readonly url: string) {}

  async alerts(): Promise<AlertmanagerAlert[]> {
    const body = (await getJson(`${this.url.replace(/\/+$/, '')}/api/v2/alerts`, 'Alertmanager')) as {
      labels: Record<string, string>;
      status: { state: string };
      receivers: { name: string }[];
      startsAt: string;
    }[];
    return body.map((a) => ({
      labels: a.labels,
      state: a.status.state,
      receivers: a.receivers.map((r) => r.name),
      startsAt: a.startsAt,
    }));
  }
}

/** The local stack's webhook sink (GET /alerts on the supervisor): what the receivers got. */
export class ReceiverSink {
  constructor(readonly url: string) {}

  async notifications(): Promise<Notification[]> {
    const body = (await getJson(this.url, 'the alert receiver sink')) as {
      notifications: {
        receiver: string;
        received_at: string;
        payload: { status?: string; alerts?: Notification['alerts'] };
      }[];
    };
    return body.notifications.map((n) => ({
      receiver: n.receiver,
      received_at: n.received_at,
      status: n.payload.status ?? '',
      alerts: n.payload.alerts ?? [],
    }));
  }
}

/** Whether an alert's labels include every expected label. */
export function labelsMatch(actual: Record<string, string>, expected: Record<string, string>): boolean {
  return Object.entries(expected).every(([k, v]) => actual[k] === v);
}
