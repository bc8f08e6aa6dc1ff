// Readiness probes: one attempt each, with a timeout, throwing an error that says what was seen.

import { connect } from 'node:net';
import type { Probe } from './component';

export async function probeOnce(probe: Probe, timeoutMs = 2_000): Promise<void> {
  switch (probe.kind) {
    case 'http': {
      let res: Response;
      try {
        res = await fetch(probe.url, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new Error(`GET ${probe.url} failed: ${describeError(err)}`);
      }
      const body = (await res.text().catch(() => '')).slice(0, 300).trim();
      const ok = probe.expectStatus !== undefined ? res.status === probe.expectStatus : res.ok;
      if (!ok) throw new Error(`GET ${probe.url} answered ${res.status}${body ? ` ${body}` : ''}`);
      return;
    }
    case 'tcp':
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: probe.host, port: probe.port });
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`TCP ${probe.host}:${probe.port}: no connection within ${timeoutMs} ms`));
        }, timeoutMs);
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.end();
          resolve();
        });
        socket.once('error', (err) => {
          clearTimeout(timer);
          reject(new Error(`TCP ${probe.host}:${probe.port}: ${describeError(err)}`));
        });
      });
      return;
    case 'custom':
      await probe.check();
      return;
  }
}

export function describeProbe(probe: Probe): string {
  switch (probe.kind) {
    case 'http':
      return `GET ${probe.url}`;
    case 'tcp':
      return `TCP ${probe.host}:${probe.port}`;
    case 'custom':
      return probe.describe;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const code = (err as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
    if (code) return code;
    if (cause instanceof Error) return cause.message;
    return err.message;
  }
  return String(err);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
