// Timeouts shrink downstream: each service behind the gateway gives up on its own dependency before
// the gateway gives up on it, so a dependency that is down is answered by that service (a 503 with
// Retry-After, counted in its SLO) rather than by a gateway 504 for work that may still complete.
import { eventsConfig } from '../../events/src/config';
import { casinoConfig } from '../../casino/src/config';
import { gatewayConfig } from '../src/config';

/** A variable's default: what runs when nobody sets it. */
const defaultOf = (schema: { shape: Record<string, { parse(v: unknown): unknown }> }, name: string): number =>
  schema.shape[name]!.parse(undefined) as number;

describe('timeouts along a call chain', () => {
  const upstream = defaultOf(gatewayConfig, 'UPSTREAM_TIMEOUT_MS');

  it('the events service stops waiting for Kafka before the gateway stops waiting for it', () => {
    const produce = defaultOf(eventsConfig, 'EVENTS_PRODUCE_TIMEOUT_MS');
    // Room for the 503 to travel back before the gateway's clock runs out.
    expect(upstream - produce).toBeGreaterThanOrEqual(1000);
  });

  it('the casino stops waiting for the wallet before the gateway stops waiting for the casino', () => {
    expect(upstream - defaultOf(casinoConfig, 'WALLET_TIMEOUT_MS')).toBeGreaterThanOrEqual(1000);
  });
});
