import { parse } from 'yaml';
import { fallbackAlertmanagerConfig, pointWebhooksAt } from './alertmanager-config';

describe('the local Alertmanager configuration', () => {
  it('routes critical to the pager and warning to the ticket webhook of the stack, critical inhibiting warning', () => {
    const config = parse(fallbackAlertmanagerConfig(9095));
    expect(config.route.routes).toEqual([
      { receiver: 'pager', matchers: ['severity="critical"'] },
      { receiver: 'ticket', matchers: ['severity="warning"'] },
    ]);
    expect(
      config.receivers.map((r: { webhook_configs: { url: string }[] }) => r.webhook_configs[0]!.url),
    ).toEqual(['http://127.0.0.1:9095/alerts/pager', 'http://127.0.0.1:9095/alerts/ticket']);
    expect(config.inhibit_rules[0].equal).toEqual(['slo_service', 'slo_name']);
  });

  it('points local webhooks at the sink port of a stack on other ports and leaves other URLs alone', () => {
    const text = `route: { receiver: pager }
receivers:
  - name: pager
    webhook_configs:
      - url: http://127.0.0.1:9095/alerts/pager
      - url: https://events.pagerduty.example/v2
`;
    const config = parse(pointWebhooksAt(text, 29095));
    expect(config.receivers[0].webhook_configs.map((h: { url: string }) => h.url)).toEqual([
      'http://127.0.0.1:29095/alerts/pager',
      'https://events.pagerduty.example/v2',
    ]);
    expect(pointWebhooksAt(text, 9095)).toBe(text);
  });
});
