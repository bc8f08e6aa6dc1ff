import { ConfigError, createService, loadConfig, z } from './index';

describe('configuration', () => {
  it('fails fast with a message naming each bad variable and its value', () => {
    const schema = z.object({ PORT: z.coerce.number().int().max(65535), DATABASE_URL: z.string() });
    try {
      loadConfig(schema, { PORT: 'eighty' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('PORT: ');
      expect((err as Error).message).toContain('(got "eighty")');
      expect((err as Error).message).toContain('DATABASE_URL: ');
      expect((err as Error).message).toContain('(not set)');
    }
  });

  it('validates the standard variables of every service', () => {
    expect(() => createService({ name: 'x', env: { LOG_LEVEL: 'chatty' } })).toThrow(/LOG_LEVEL/);
    expect(() => createService({ name: 'x', env: { GAMEDAY_TELEMETRY: 'maybe' } })).toThrow(
      /GAMEDAY_TELEMETRY/,
    );
  });
});
