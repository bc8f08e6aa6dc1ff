import Transport from 'winston-transport';
import { createLogger, parseLogLevel } from './logger';

class Capture extends Transport {
  lines: string[] = [];
  override log(info: Record<symbol, string>, next: () => void): void {
    this.lines.push(info[Symbol.for('message')]);
    next();
  }
}

describe('the logger', () => {
  it('writes one JSON object per line with timestamp, level, message and service first', () => {
    const capture = new Capture();
    const logger = createLogger({ service: 'accounts', level: 'info', transport: capture });
    logger.info('player registered', { player_id: 'p1' });
    logger.debug('not shown');
    expect(capture.lines).toHaveLength(1);
    const line = JSON.parse(capture.lines[0]!);
    expect(Object.keys(line).slice(0, 4)).toEqual(['timestamp', 'level', 'message', 'service']);
    expect(line).toMatchObject({
      level: 'info',
      message: 'player registered',
      service: 'accounts',
      player_id: 'p1',
    });
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
  });

  it('refuses an unknown LOG_LEVEL with a message naming the variable', () => {
    expect(() => parseLogLevel('loud')).toThrow(/LOG_LEVEL must be one of/);
  });
});
