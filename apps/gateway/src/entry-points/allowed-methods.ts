// 405 Method Not Allowed for a path the OpenAPI document describes, called with a method the document
// does not list for it: problem+json with `Allow` naming the methods it does list (RFC 9110 §15.5.6).
// The methods come from the document itself, so the answers and the document cannot drift apart.
// Paths the document does not describe go on untouched (to their upstream, or the 404).
import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from '@gameday/telemetry';

/** The keys of an OpenAPI path item that name operations. */
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface DocumentedPath {
  /** As the document writes it, e.g. `/api/v1/players/{id}`. */
  readonly template: string;
  readonly pattern: RegExp;
  /** The documented methods, and HEAD wherever GET is (Express answers it, as RFC 9110 §9.3.2 asks). */
  readonly methods: readonly string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const templateCount = (template: string) => template.split('{').length - 1;

/**
 * The document's paths equal to `prefix` or under it, with their methods. A template segment (`{id}`)
 * matches any one path segment; like Express's routes, the match ignores case and a trailing slash.
 * Literal paths come first, as in OpenAPI: `/api/v1/players/me` before `/api/v1/players/{id}`.
 */
export function documentedPaths(document: { paths: Record<string, object> }, prefix = ''): DocumentedPath[] {
  return Object.entries(document.paths)
    .filter(([template]) => template === prefix || template.startsWith(`${prefix}/`))
    .map(([template, item]) => {
      const methods = Object.keys(item)
        .filter((key) => OPERATIONS.includes(key))
        .map((key) => key.toUpperCase());
      if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
      const source = template
        .split(/\{[^/}]+\}/)
        .map(escapeRegExp)
        .join('[^/]+');
      // eslint-disable-next-line security/detect-non-literal-regexp -- built from the service's own OpenAPI paths, every literal part escaped
      return { template, pattern: new RegExp(`^${source}/?$`, 'i'), methods };
    })
    .sort((a, b) => templateCount(a.template) - templateCount(b.template));
}

/** Answers 405 to a documented path called with a method it does not list; anything else goes on. */
export function allowedMethods(paths: readonly DocumentedPath[]): RequestHandler {
  return (req, _res, next) => {
    for (const path of paths) {
      if (!path.pattern.test(req.path)) continue;
      if (path.methods.includes(req.method)) return next();
      return next(new MethodNotAllowedError(req.method, req.path, path.methods));
    }
    next();
  };
}
