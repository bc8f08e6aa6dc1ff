// One GET against a backend's HTTP API, with a deadline, and errors that say which URL failed and
// what to do about it.

/** The backend could not be reached, or answered something that is not its API. */
export class BackendError extends Error {
  constructor(
    message: string,
    /** The URL that failed. */
    readonly url: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

export interface Backend {
  /** What it is, for messages: "Jaeger (traces)". */
  what: string;
  baseUrl: string;
  /** What to do when it cannot be reached. */
  hint: string;
  timeoutMs?: number;
}

export interface Answer {
  status: number;
  body: string;
}

/** GET `<baseUrl><path>`; network errors and timeouts become a BackendError naming the URL. */
export async function get(backend: Backend, path: string): Promise<Answer> {
  const url = `${backend.baseUrl.replace(/\/+$/, '')}${path}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(backend.timeoutMs ?? 10_000) });
    // The body is read under the same deadline: a backend that stalls mid-answer is unreachable too.
    return { status: res.status, body: await res.text() };
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = c?.code ?? c?.message ?? (err as Error).message;
    const why =
      (err as Error).name === 'TimeoutError' ? `no answer within ${backend.timeoutMs ?? 10_000} ms` : cause;
    throw new BackendError(`${backend.what} is unreachable at ${url} (${why}). ${backend.hint}`, url);
  }
}

/** The answer's JSON, or a BackendError when it is not JSON (not the API we expected there). */
export function json<T>(backend: Backend, url: string, answer: Answer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new BackendError(
      `${backend.what} at ${url} answered ${answer.status} with something that is not JSON: ${answer.body.slice(0, 200)}`,
      url,
    );
  }
}
