// HTTP entry points: parse and validate input, call the use case, shape the response.
import type { Router } from 'express';
import type { Request } from 'express';
import { body, parse, text, UnauthorizedError, z } from '@gameday/telemetry';
import type { Accounts, Identity } from '../domain/accounts';
import { ROLES } from '../domain/player';
import type { Role } from '../domain/player';
import type { TokenIssuer } from '../domain/tokens';

const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'));

const displayName = text({
  min: 2,
  max: 32,
  pattern: {
    // eslint-disable-next-line security/detect-unsafe-regex -- one optional group, linear (measured), and the input is at most 32 characters
    regex: /^[\p{L}\p{N}](?:[\p{L}\p{N} _.-]*[\p{L}\p{N}])?$/u,
    description: 'letters, digits, spaces, ".", "_" and "-" (starting and ending with a letter or digit)',
  },
});

const password = text({ min: 12, max: 128, trim: false });

const registerBody = z.strictObject({ email, display_name: displayName, password });
// Login accepts any password text: its strength was checked at registration.
const loginBody = z.strictObject({ email, password: text({ min: 1, max: 128, trim: false }) });
const updateBody = z.strictObject({ display_name: displayName.optional() });
const roleBody = z.strictObject({ role: z.enum(ROLES as [Role, ...Role[]]) });
const idParam = z.object({ id: z.uuid('must be a player id (a UUID)') });

const identityHeaders = z.object({
  'x-player-id': z.uuid(),
  'x-player-role': z.enum(ROLES as [Role, ...Role[]]),
});

/** The identity the gateway vouches for with X-Player-Id and X-Player-Role. */
function identity(req: Request): Identity {
  const parsed = identityHeaders.safeParse(req.headers);
  if (!parsed.success) throw new UnauthorizedError();
  return { playerId: parsed.data['x-player-id'], role: parsed.data['x-player-role'] };
}

/** Something routes can be added to: the app itself, or a Router. */
type Routes = Pick<Router, 'get' | 'post' | 'patch' | 'put'>;

/**
 * Adds the player routes to `r`. The service adds them to the app itself rather than through a
 * Router: each mounted router is one more Express layer on every request, and each layer of a
 * traced request re-enters its trace context.
 */
export function playerRoutes<R extends Routes>(r: R, accounts: Accounts): R {
  r.post('/api/v1/players', async (req, res) => {
    const input = body(req, registerBody);
    const player = await accounts.register({
      email: input.email,
      displayName: input.display_name,
      password: input.password,
    });
    res.status(201).location(`/api/v1/players/${player.id}`).json(player);
  });

  r.post('/api/v1/players/login', async (req, res) => {
    const input = body(req, loginBody);
    const token = await accounts.login({ ...input, clientAddress: req.ip ?? 'unknown' });
    res.setHeader('Cache-Control', 'no-store');
    res.json(token);
  });

  r.get('/api/v1/players/me', async (req, res) => {
    res.json(await accounts.me(identity(req)));
  });

  r.patch('/api/v1/players/me', async (req, res) => {
    const who = identity(req);
    const input = body(req, updateBody);
    res.json(await accounts.updateMe(who, { displayName: input.display_name }));
  });

  r.get('/api/v1/players/:id', async (req, res) => {
    const who = identity(req);
    const { id } = parse(idParam, req.params);
    res.json(await accounts.get(who, id));
  });

  r.put('/api/v1/players/:id/role', async (req, res) => {
    const who = identity(req);
    const { id } = parse(idParam, req.params);
    const input = body(req, roleBody);
    res.json(await accounts.setRole(who, id, input.role));
  });

  return r;
}

export function jwksRoute<R extends Routes>(r: R, tokens: TokenIssuer): R {
  r.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(tokens.jwks());
  });
  return r;
}
