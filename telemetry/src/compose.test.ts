import express from 'express';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compose } from './http';

/** An app with one route whose handlers are composed into one layer, and an error handler. */
async function serve(...handlers: RequestHandler[]): Promise<{ url: string; close: () => void }> {
  const app = express();
  app.get('/x', compose(...handlers));
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, close: () => server.close() };
}

describe('compose', () => {
  it('runs the handlers in order as one layer', async () => {
    const seen: string[] = [];
    const { url, close } = await serve(
      (_req, _res, next) => {
        seen.push('a');
        next();
      },
      async (_req, _res, next) => {
        await new Promise((r) => setTimeout(r, 5));
        seen.push('b');
        next();
      },
      (_req, res) => {
        seen.push('c');
        res.json({ ok: true });
      },
    );
    try {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      close();
    }
  });

  it.each([
    ['passed to next', ((_req, _res, next) => next(new Error('boom'))) as RequestHandler],
    [
      'thrown',
      (() => {
        throw new Error('boom');
      }) as RequestHandler,
    ],
    [
      'rejected by an async handler',
      (async () => {
        await Promise.resolve();
        throw new Error('boom');
      }) as RequestHandler,
    ],
  ])('stops at an error %s and hands it to the error handler', async (_how, failing) => {
    let reached = false;
    const { url, close } = await serve(failing, (_req, res) => {
      reached = true;
      res.json({ ok: true });
    });
    try {
      const res = await fetch(url);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'boom' });
      expect(reached).toBe(false);
    } finally {
      close();
    }
  });
});
