// Request validation with zod: strict schemas (unknown fields are errors), text fields that refuse
// control characters and count length in code points, and errors that name the field at fault.
import { z } from 'zod';
import type { Request } from 'express';
import { ValidationError } from './errors';
import type { FieldError } from './errors';

// C0/C1 controls, DEL, and the bidi overrides/isolates used to disguise text (Trojan Source).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export interface TextOptions {
  min?: number;
  max: number;
  /** A whitelist pattern, with a human description of it for the error message. */
  pattern?: { regex: RegExp; description: string };
  /** Trim surrounding whitespace (default true; passwords keep theirs). */
  trim?: boolean;
}

/** A text field: NFC-normalised, trimmed, no control characters, length in code points. */
export function text(options: TextOptions) {
  const min = options.min ?? 1;
  return z
    .string()
    .transform((s) => (options.trim === false ? s.normalize('NFC') : s.normalize('NFC').trim()))
    .superRefine((s, ctx) => {
      if (FORBIDDEN_CHARS.test(s)) {
        ctx.addIssue({ code: 'custom', message: 'must not contain control or bidi-override characters' });
        return;
      }
      const length = [...s].length;
      if (length < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} characters` });
      else if (length > options.max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be at most ${options.max} characters (got ${length})`,
        });
      } else if (options.pattern && !options.pattern.regex.test(s)) {
        ctx.addIssue({ code: 'custom', message: `must contain only ${options.pattern.description}` });
      }
    });
}

/** Converts zod issues to problem+json field errors (`/a/0/b` pointers, `a[0].b` names). */
export function toFieldErrors(error: z.ZodError, root = ''): FieldError[] {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      let detail = issue.message;
      if (issue.code === 'unrecognized_keys') {
        // Report each unknown key as its own field.
        const keys = (issue as { keys: string[] }).keys;
        return keys.map((k) => ({
          pointer: `${root}/${[...path, k].join('/')}`,
          field: [...path, k].join('.'),
          detail: 'is not a known field',
        }));
      }
      if (issue.code === 'invalid_type' && detail.includes('received undefined')) detail = 'is required';
      return [{ pointer: `${root}/${path.join('/')}`, field: path.join('.'), detail }];
    })
    .flat();
}

/** Parses `value` with `schema` or throws a 400 ValidationError naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, root = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error, root));
  return result.data;
}

/** Validates the JSON body of a request (which must be an object). */
export function body<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  if (
    req.body === undefined ||
    req.body === null ||
    typeof req.body !== 'object' ||
    Array.isArray(req.body)
  ) {
    throw new ValidationError([{ pointer: '', field: '', detail: 'the body must be a JSON object' }]);
  }
  return parse(schema, req.body);
}

export function query<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parse(schema, req.query, '?');
}

export { z };

// Printable ASCII without spaces, like the IETF draft's examples (UUIDs, ULIDs, "round:<id>:debit").
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` header of a money-moving request (ARCHITECTURE.md §2): required unless `required` is
 * false, 1–255 printable ASCII characters. A bad or missing key is a 400 naming the header.
 */
export function idempotencyKey(req: Request, required: false): string | undefined;
export function idempotencyKey(req: Request, required?: true): string;
export function idempotencyKey(req: Request, required = true): string | undefined {
  const value = req.headers['idempotency-key'];
  const fail = (detail: string): never => {
    throw new ValidationError([{ pointer: '/headers/idempotency-key', field: 'Idempotency-Key', detail }]);
  };
  if (value === undefined || value === '') {
    return required
      ? fail('is required: send a unique key (e.g. a UUID) and reuse it on retries')
      : undefined;
  }
  if (Array.isArray(value) || !IDEMPOTENCY_KEY.test(value)) {
    return fail('must be 1–255 printable ASCII characters without spaces');
  }
  return value;
}
