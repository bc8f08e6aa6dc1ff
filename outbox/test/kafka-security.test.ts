// How services authenticate to Kafka: nothing locally; TLS and SASL/SCRAM on Amazon MSK, from the
// environment, with a clear error naming the variable when the setting is partial or wrong.
import { kafkaSecurity } from '../src/kafka';

describe('kafkaSecurity', () => {
  test('nothing set: plaintext, no SASL (the local broker)', () => {
    expect(kafkaSecurity({})).toEqual({});
  });

  test('MSK: TLS and SCRAM-SHA-512', () => {
    expect(
      kafkaSecurity({
        KAFKA_TLS: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'casino',
        KAFKA_SASL_PASSWORD: 's3cret',
      }),
    ).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'casino', password: 's3cret' } });
  });

  test.each([
    [{ KAFKA_TLS: 'yes' }, /KAFKA_TLS must be true or false \(got "yes"\)/],
    [
      { KAFKA_SASL_MECHANISM: 'plain' },
      /KAFKA_SASL_MECHANISM must be scram-sha-256 or scram-sha-512 \(got "plain"\)/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-256' },
      /KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM=scram-sha-256/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' },
      /KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM=scram-sha-512/,
    ],
    [{ KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not/],
  ])('%j is refused naming the variable', (env, message) => {
    expect(() => kafkaSecurity(env)).toThrow(message);
  });
});
