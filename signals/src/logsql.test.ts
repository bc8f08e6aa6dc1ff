import { LogSearchError, logsQuery } from './logsql';
import { rfc3339Micros } from './victorialogs';

describe('gameday logs options as LogsQL', () => {
  it('filters by time, exact service, exact trace id, a level and everything more severe, and extra LogsQL', () => {
    expect(
      logsQuery({
        since: '15m',
        service: 'casino',
        traceId: '5B8EFFF798038103D269B633813FC60C',
        level: 'warn',
        query: 'http_route:"/api/v1/wallet" timeout',
      }),
    ).toBe(
      '_time:15m service:="casino" trace_id:="5b8efff798038103d269b633813fc60c" level:in("error","warn") (http_route:"/api/v1/wallet" timeout)',
    );
    expect(logsQuery({ level: 'error' })).toBe('_time:1h level:="error"');
  });

  it.each([
    [{ since: '10 minutes' }, '--since'],
    [{ since: '-5m' }, '--since'],
    [{ service: 'Casino; drop' }, '--service'],
    [{ traceId: 'abc' }, '--trace'],
    [{ traceId: '00000000000000000000000000000000' }, '--trace'],
    [{ level: 'fatal' }, '--level'],
  ])('refuses %j naming %s', (search, option) => {
    expect(() => logsQuery(search)).toThrow(LogSearchError);
    expect(() => logsQuery(search)).toThrow(new RegExp(`^${option}: `));
  });

  it('reads VictoriaLogs times to the microsecond, whatever number of fraction digits they have', () => {
    expect(rfc3339Micros('2026-12-07T11:32:25.12Z') - rfc3339Micros('2026-12-07T11:32:25.123Z')).toBe(-3_000);
    expect(rfc3339Micros('2026-12-07T11:32:25.123456789Z') % 1_000_000).toBe(123_456);
    expect(rfc3339Micros('2026-12-07T11:32:25Z') % 1_000_000).toBe(0);
    expect(rfc3339Micros('not a time')).toBe(0);
  });
});
