// Use cases of the accounts service. No Express, no pg: the repository and the token issuer are
// passed in, so the rules read on their own.
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
} from '@gameday/telemetry';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import { normaliseEmail, toView } from './player';
import type { Player, PlayerView, Role } from './player';
import type { LoginThrottle } from './login-throttle';
import type { IssuedToken, TokenIssuer } from './tokens';

export interface PlayersRepository {
  /** Inserts; resolves false if the normalised email is taken. */
  insert(player: Player): Promise<boolean>;
  findById(id: string): Promise<Player | undefined>;
  findByEmail(normalisedEmail: string): Promise<Player | undefined>;
  updateDisplayName(id: string, displayName: string): Promise<Player | undefined>;
  updateRole(id: string, role: Role): Promise<Player | undefined>;
}

/** The caller as the gateway vouches for it. */
export interface Identity {
  playerId: string;
  role: Role;
}

export interface LoginAttempt {
  email: string;
  password: string;
  clientAddress: string;
}

const BAD_CREDENTIALS = 'The email or password is incorrect.';

export class Accounts {
  constructor(
    private readonly repo: PlayersRepository,
    private readonly tokens: TokenIssuer,
    private readonly throttle: LoginThrottle,
    private readonly adminEmails: ReadonlySet<string>,
  ) {}

  async register(input: { email: string; displayName: string; password: string }): Promise<PlayerView> {
    const now = new Date();
    const email = normaliseEmail(input.email);
    const player: Player = {
      id: randomUUID(),
      email: input.email.trim(),
      displayName: input.displayName,
      role: this.adminEmails.has(email) ? 'admin' : 'player',
      passwordHash: await hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.repo.insert(player))) {
      throw new ConflictError('A player with this email is already registered.', 'email-taken');
    }
    return toView(player);
  }

  /**
   * Checks credentials. Unknown email and wrong password answer alike (and take as long), and
   * repeated failures for one email or from one address are refused for a while.
   */
  async login(attempt: LoginAttempt): Promise<IssuedToken> {
    const email = normaliseEmail(attempt.email);
    const keys = [`email:${email}`, `addr:${attempt.clientAddress}`];
    const wait = this.throttle.retryAfter(keys);
    if (wait > 0) throw new TooManyRequestsError(wait, 'Too many failed logins.');
    const player = await this.repo.findByEmail(email);
    const ok = await verifyPassword(attempt.password, player?.passwordHash ?? (await DUMMY_HASH));
    if (!player || !ok) {
      this.throttle.recordFailure(keys);
      throw new UnauthorizedError(BAD_CREDENTIALS, 'invalid-credentials');
    }
    this.throttle.recordSuccess([`email:${email}`]);
    return this.tokens.issue(player.id, player.role);
  }

  async me(who: Identity): Promise<PlayerView> {
    const player = await this.repo.findById(who.playerId);
    if (!player) throw new NotFoundError('Your player record no longer exists.');
    return toView(player);
  }

  async updateMe(who: Identity, changes: { displayName?: string }): Promise<PlayerView> {
    if (changes.displayName === undefined) return this.me(who);
    const player = await this.repo.updateDisplayName(who.playerId, changes.displayName);
    if (!player) throw new NotFoundError('Your player record no longer exists.');
    return toView(player);
  }

  async get(who: Identity, id: string): Promise<PlayerView> {
    requireAdmin(who);
    const player = await this.repo.findById(id);
    if (!player) throw new NotFoundError(`No player with id ${id}.`);
    return toView(player);
  }

  async setRole(who: Identity, id: string, role: Role): Promise<PlayerView> {
    requireAdmin(who);
    const player = await this.repo.updateRole(id, role);
    if (!player) throw new NotFoundError(`No player with id ${id}.`);
    return toView(player);
  }
}

function requireAdmin(who: Identity): void {
  if (who.role !== 'admin') throw new ForbiddenError('This needs the admin role.');
}
