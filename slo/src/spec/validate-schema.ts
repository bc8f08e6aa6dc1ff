import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fromJsonPointer, type PathSegment } from './locate';
import { NAME_PATTERN } from './schema';

export interface SchemaIssue {
  path: PathSegment[];
  message: string;
}

const ajv = new Ajv({ allErrors: true, jsonPointers: true, verbose: true });
const compiled = new Map<object, ValidateFunction>();

/** Checks `data` against `schema` and turns ajv's errors into sentences a spec author can act on. */
export function checkSchema(schema: object, data: unknown): SchemaIssue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // `if` only says "the then-branch failed"; the branch's own error says what is missing.
    if (error.keyword === 'if') continue;
    const issue = describe(error);
    const key = `${issue.path.join('/')}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function describe(error: ErrorObject): SchemaIssue {
  const path = fromJsonPointer(error.dataPath);
  const params = error.params as unknown as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: [...path, params.missingProperty as string], message: 'required field is missing' };
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return {
        path: [...path, params.additionalProperty as string],
        message: `unknown field; allowed here: ${allowed.join(', ')}`,
      };
    }
    case 'enum':
      return {
        path,
        message: `${show(error.data)} is not allowed; use one of: ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'const':
      return { path, message: `must be ${show(error.schema)}, got ${show(error.data)}` };
    case 'type':
      return { path, message: `must be a ${String(params.type)}, got ${show(error.data)}` };
    case 'pattern':
      return {
        path,
        message:
          params.pattern === NAME_PATTERN
            ? `${show(error.data)} must be lowercase letters, digits and dashes, starting with a letter`
            : `${show(error.data)} must match ${String(params.pattern)}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path,
        message: `must be ${String(params.comparison)} ${String(params.limit)}, got ${show(error.data)}`,
      };
    case 'minItems':
      return { path, message: `must have at least ${String(params.limit)} item(s)` };
    case 'maxItems':
      return { path, message: `must have at most ${String(params.limit)} item(s)` };
    default:
      return { path, message: error.message ?? `fails schema keyword ${error.keyword}` };
  }
}
