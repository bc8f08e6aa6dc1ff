// An open-loop load generator: requests leave at a constant rate whatever the answers do (like k6's
// constant-arrival-rate), so a slow answer cannot hold back the next request and hide its own
// latency. autocannon's overallRate sends each second's quota in a burst, which measures queueing
// behind the burst rather than the service.
import http from 'node:http';

export interface PacedLoadOptions {
  url: string;
  method: string;
  /** Headers and body of the i-th request. */
  request(i: number): { headers: Record<string, string>; body?: string };
  ratePerSecond: number;
  durationSeconds: number;
}

export interface PacedLoadResult {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export async function pacedLoad(o: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let inFlight = 0;
  const total = Math.round(o.ratePerSecond * o.durationSeconds);
  const started = performance.now();

  const fire = (i: number) => {
    const { headers, body } = o.request(i);
    const t0 = performance.now();
    inFlight += 1;
    const req = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: o.method,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight -= 1;
          latencies.push(performance.now() - t0);
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) ok += 1;
          else non2xx += 1;
        });
      },
    );
    req.on('error', () => {
      inFlight -= 1;
      errors += 1;
    });
    req.end(body);
  };

  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * o.ratePerSecond));
      while (sent < due) fire(sent++);
      if (sent >= total) {
        clearInterval(tick);
        const wait = setInterval(() => {
          if (inFlight === 0) {
            clearInterval(wait);
            resolve();
          }
        }, 10);
      }
    }, 2);
  });
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
  return { sent, ok, non2xx, errors, p50: at(0.5), p99: at(0.99), max: at(1) };
}
