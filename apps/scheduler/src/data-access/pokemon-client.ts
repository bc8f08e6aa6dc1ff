// The scheduler's client of the pokemon service's internal API (a service token, a timeout). A
// failure is an error the job fails with, and pg-boss retries the job with backoff.
import { ServiceUnavailableError, traceHeaders } from '@gameday/telemetry';

/** The pokemon service did not answer, answered 5xx, or refused the scheduler's token: a 503 to players. */
export class PokemonUnavailable extends ServiceUnavailableError {
  constructor(detail: string) {
    super(`The pokemon service cannot be reached: ${detail}. Retry in a moment.`, 5);
  }
}
/** The pokemon service refused the request (4xx): retrying will not help. */
export class PokemonRefusal extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(String(problem.detail ?? `pokemon answered ${status}`));
  }
}

export interface ArrangedBattle {
  id: string;
  status: string;
  winner: 'p1' | 'p2' | 'tie' | null;
  winner_id: string | null;
}

export interface TeamCheck {
  trainer_id: string;
  name: string;
  team_id: string;
  format: string;
  rating: number;
}

export class PokemonClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          // The job's (or request's) trace goes on in the pokemon service.
          ...traceHeaders(),
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new PokemonUnavailable(`${method} ${path} failed (${(err as Error).message})`);
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.status >= 500) throw new PokemonUnavailable(`it answered ${res.status} to ${method} ${path}`);
    // 401/403: the scheduler's own token is wrong, not the player's request.
    if (res.status === 401 || res.status === 403) {
      throw new PokemonUnavailable(
        `it refused the scheduler's token (${res.status}): check POKEMON_TOKEN and POKEMON_SERVICE_TOKENS`,
      );
    }
    if (res.status >= 400) throw new PokemonRefusal(res.status, parsed);
    return parsed as T;
  }

  /** A battle between two entrants, played (auto) or started (live), once per origin ref. */
  arrange(input: {
    format: string;
    mode: 'auto' | 'live';
    rated: boolean;
    p1: { trainer_id: string; team_id: string };
    p2: { trainer_id: string; team_id: string };
    origin: 'tournament' | 'matchmaking';
    origin_ref: string;
  }): Promise<ArrangedBattle> {
    return this.call('POST', '/internal/battles', input);
  }

  checkTeam(trainerId: string, teamId: string, format: string): Promise<TeamCheck> {
    return this.call(
      'GET',
      `/internal/trainers/${trainerId}/teams/${teamId}?format=${encodeURIComponent(format)}`,
    );
  }

  wins(trainerId: string, since: Date, goal: { mode?: string; format?: string }): Promise<{ wins: number }> {
    const q = new URLSearchParams({
      since: since.toISOString(),
      ...(goal.mode ? { mode: goal.mode } : {}),
      ...(goal.format ? { format: goal.format } : {}),
    });
    return this.call('GET', `/internal/trainers/${trainerId}/wins?${q.toString()}`);
  }

  retention(battleLogDays: number): Promise<{ purged_battle_logs: number }> {
    return this.call('POST', '/internal/retention', { battle_log_days: battleLogDays });
  }

  refreshPokedex(limit: number): Promise<{ refreshed: number; failed: number }> {
    return this.call('POST', '/internal/pokedex/refresh', { limit });
  }
}
