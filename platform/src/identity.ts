// The player identity the gateway vouches for. The gateway verifies the bearer token and forwards
// X-Player-Id and X-Player-Role (stripping any a client sent); services behind it read them here.
import type { Request } from 'express';
import { z } from 'zod';
import { ForbiddenError, UnauthorizedError } from '@gameday/telemetry';

export const PLAYER_ROLES = ['player', 'admin'] as const;
export type PlayerRole = (typeof PLAYER_ROLES)[number];

export interface PlayerIdentity {
  playerId: string;
  role: PlayerRole;
}

const identityHeaders = z.object({
  'x-player-id': z.uuid(),
  'x-player-role': z.enum(PLAYER_ROLES),
});

/** The caller's identity, or a 401 when the gateway sent none (the route needs a token). */
export function playerIdentity(req: Request): PlayerIdentity {
  const parsed = identityHeaders.safeParse(req.headers);
  if (!parsed.success) throw new UnauthorizedError();
  return { playerId: parsed.data['x-player-id'], role: parsed.data['x-player-role'] };
}

/** The caller's identity if they are an admin, else a 403 (401 without identity). */
export function adminIdentity(req: Request, what = 'This'): PlayerIdentity {
  const who = playerIdentity(req);
  if (who.role !== 'admin') throw new ForbiddenError(`${what} needs the admin role.`);
  return who;
}
