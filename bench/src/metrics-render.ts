// /metrics render time for a service with 50 routes × 5 status codes (250 histogram series of 17
// samples each, plus the default process metrics), in both exposition formats.
import { ServiceMetrics } from '@gameday/telemetry';

export interface RenderResult {
  format: string;
  series: number;
  bytes: number;
  p50: number;
  p99: number;
}

export async function metricsRender(iterations = 2000): Promise<RenderResult[]> {
  const metrics = new ServiceMetrics('bench');
  const statuses = [200, 201, 400, 404, 500];
  for (let r = 0; r < 50; r++) {
    for (const s of statuses) {
      for (let i = 0; i < 3; i++) {
        metrics.observeHttp(
          'GET',
          `/api/v1/area${r}/:id`,
          s,
          0.001 * (i + 1) * (r + 1),
          i === 0 ? 'abcdef0123456789abcdef0123456789' : undefined,
        );
      }
    }
  }
  const out: RenderResult[] = [];
  for (const openMetrics of [false, true]) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < iterations; i++) {
      // Every series changed since the last scrape: the worst case for a renderer that caches.
      for (let r = 0; r < 50; r++)
        for (const st of statuses) metrics.observeHttp('GET', `/api/v1/area${r}/:id`, st, 0.002 * (i % 7));
      const t = performance.now();
      // What the /metrics handler does: render the chunks it writes to the socket.
      const { chunks } = await metrics.renderChunks(openMetrics);
      times.push(performance.now() - t);
      bytes = chunks.reduce((n, c) => n + c.length, 0);
    }
    times.sort((a, b) => a - b);
    out.push({
      format: openMetrics ? 'OpenMetrics (exemplars)' : 'Prometheus text 0.0.4',
      series: 250,
      bytes,
      p50: times[Math.floor(times.length * 0.5)]!,
      p99: times[Math.floor(times.length * 0.99)]!,
    });
  }
  return out;
}
