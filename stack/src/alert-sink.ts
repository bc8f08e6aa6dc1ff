// The local stand-in for PagerDuty and the ticket queue: Alertmanager's webhook receivers post here.
// Notifications are kept in memory (the newest `capacity`) for GET /alerts and appended to
// .gameday/alerts.jsonl so they outlive the stack.

import { appendFileSync } from 'node:fs';
import type { Receiver } from '@gameday/slo';

/** pager or ticket: the receivers of the SLO alert contract (@gameday/slo). */
export type { Receiver };

/** One Alertmanager webhook notification (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export interface AlertNotification {
  receiver: Receiver;
  received_at: string;
  /** The body Alertmanager sent: version, status, alerts[], groupLabels, commonLabels, ... */
  payload: unknown;
}

export class AlertSink {
  private readonly items: AlertNotification[] = [];

  constructor(
    private readonly journal: string | undefined,
    private readonly capacity = 1_000,
  ) {}

  add(receiver: Receiver, payload: unknown, now = new Date()): AlertNotification {
    const item: AlertNotification = { receiver, received_at: now.toISOString(), payload };
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    if (this.journal) appendFileSync(this.journal, JSON.stringify(item) + '\n');
    return item;
  }

  list(receiver?: Receiver): AlertNotification[] {
    return receiver ? this.items.filter((i) => i.receiver === receiver) : [...this.items];
  }
}
