// Typed errors and their RFC 9457 problem+json rendering (ARCHITECTURE.md §2, contract).

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_BASE = 'https://gameday.dev/problems/';

/** One invalid field: `pointer` is a JSON pointer into the request (`/email`, `/items/0/qty`). */
export interface FieldError {
  pointer: string;
  field: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class HttpError extends Error {
  readonly headers: Record<string, string> = {};
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }

  get type(): string {
    return PROBLEM_BASE + this.slug;
  }

  toProblem(instance?: string): ProblemBody {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance === undefined ? {} : { instance }),
      ...this.extensions,
    };
  }
}

export class ValidationError extends HttpError {
  constructor(
    readonly errors: FieldError[],
    detail = describeFieldErrors(errors),
  ) {
    super(400, 'validation', 'Request is invalid', detail, { errors });
  }
}

export class BadRequestError extends HttpError {
  constructor(detail: string, slug = 'bad-request') {
    super(400, slug, 'Bad request', detail);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(detail = 'Authentication is required: send a valid bearer token.', slug = 'unauthenticated') {
    super(401, slug, 'Unauthenticated', detail);
    this.headers['WWW-Authenticate'] = 'Bearer';
  }
}

export class ForbiddenError extends HttpError {
  constructor(detail = 'You are not allowed to do this.') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class NotFoundError extends HttpError {
  constructor(detail = 'No such resource.') {
    super(404, 'not-found', 'Not found', detail);
  }
}

/** The path exists, but not with this method: `Allow` names the methods it answers (RFC 9110 §15.5.6). */
export class MethodNotAllowedError extends HttpError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super(
      405,
      'method-not-allowed',
      'Method not allowed',
      `${path} does not answer ${method}; it answers ${allowed.join(', ')}.`,
    );
    this.headers.Allow = allowed.join(', ');
  }
}

export class ConflictError extends HttpError {
  constructor(detail: string, slug = 'conflict') {
    super(409, slug, 'Conflict', detail);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limit: string) {
    super(413, 'payload-too-large', 'Payload too large', `The request body exceeds the limit of ${limit}.`);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(got: string | undefined) {
    super(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Send the body as application/json${got ? `, not ${got}` : ''}.`,
    );
  }
}

/** A domain rule refused the request (e.g. insufficient funds). */
export class UnprocessableError extends HttpError {
  constructor(detail: string, slug = 'unprocessable') {
    super(422, slug, 'Request cannot be processed', detail);
  }
}

export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number, detail = 'Too many requests.') {
    super(429, 'rate-limited', 'Too many requests', `${detail} Retry after ${retryAfterSeconds} s.`);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class BadGatewayError extends HttpError {
  constructor(detail: string) {
    super(502, 'bad-gateway', 'Bad gateway', detail);
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(detail: string, retryAfterSeconds = 5, extensions: Record<string, unknown> = {}) {
    super(503, 'unavailable', 'Service unavailable', detail, extensions);
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

export class GatewayTimeoutError extends HttpError {
  constructor(detail: string) {
    super(504, 'upstream-timeout', 'Gateway timeout', detail);
  }
}

export function describeFieldErrors(errors: FieldError[]): string {
  if (errors.length === 0) return 'The request is invalid.';
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.field ? `"${first.field}"` : 'The body'}: ${first.detail}${more}`;
}
