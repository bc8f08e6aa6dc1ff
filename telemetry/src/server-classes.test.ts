import http from 'node:http';
import v8 from 'node:v8';
import type { Request, Response } from 'express';
import { createService } from './service';
import type { Service } from './service';

// %HaveSameMap: whether two objects share a hidden class. The flag only affects code compiled
// after it is set, hence the Function constructor.
v8.setFlagsFromString('--allow-natives-syntax');
// nosemgrep: gameday.eval -- constant source: V8 intrinsics (%HaveSameMap) parse only in code compiled after the flag
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
// nosemgrep: gameday.eval -- constant source, as above
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

describe("a service's requests and responses", () => {
  let service: Service<unknown>;
  let url: string;
  const handled: { req: Request; res: Response }[] = [];
  const atArrival: { request: boolean; response: boolean }[] = [];

  beforeAll(async () => {
    service = createService({ name: 'test', env: { PORT: '0', LOG_LEVEL: 'error' } });
    service.app.post('/items/:id', (req, res) => {
      handled.push({ req, res });
      res.json({ id: req.params.id, body: req.body as unknown, q: req.query.q, h: req.get('x-thing') });
    });
    ({ url } = await service.listen({ signals: false }));
    // Before Express sees them.
    service.httpServer!.prependListener('request', (req, res) => {
      atArrival.push({
        request: Object.getPrototypeOf(req) === service.app.request,
        response: Object.getPrototypeOf(res) === service.app.response,
      });
    });
  });

  afterAll(() => service.stop());

  const post = (id: string) =>
    fetch(`${url}/items/${id}?q=${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-thing': `t${id}` },
      body: JSON.stringify({ n: Number(id) }),
    });

  it('are born with the app prototypes and behave as Express requests and responses', async () => {
    const answer = await post('7');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toMatch(/./);
    expect(await answer.json()).toEqual({ id: '7', body: { n: 7 }, q: '7', h: 't7' });
    expect(atArrival.at(-1)).toEqual({ request: true, response: true });
    const { req, res } = handled.at(-1)!;
    expect(req).toBeInstanceOf(http.IncomingMessage);
    expect(res).toBeInstanceOf(http.ServerResponse);
  });

  it('share one hidden class from request to request once Express has handled them', async () => {
    // With Object.setPrototypeOf on every request, each request and response ends with a hidden
    // class of its own (see server-classes.ts).
    for (const id of ['1', '2', '3']) expect((await post(id)).status).toBe(200);
    const [a, b, c] = handled.slice(-3);
    expect(haveSameMap(a!.req, b!.req)).toBe(true);
    expect(haveSameMap(b!.req, c!.req)).toBe(true);
    expect(haveSameMap(a!.res, b!.res)).toBe(true);
    expect(haveSameMap(b!.res, c!.res)).toBe(true);
  });

  it('keep fast properties (no dictionary) with everything Express and the middleware added', async () => {
    expect((await post('4')).status).toBe(200);
    const { req, res } = handled.at(-1)!;
    expect(hasFastProperties(req)).toBe(true);
    expect(hasFastProperties(res)).toBe(true);
  });
});
