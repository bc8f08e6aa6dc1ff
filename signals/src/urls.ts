// Where the backends are: a flag, else GAMEDAY_JAEGER_URL / GAMEDAY_LOGS_URL, else what the running
// local stack wrote to $GAMEDAY_HOME/stack.json, else the local stack's default ports.

import { defaultStateFile, readState } from '@gameday/stack/state-file';

export const DEFAULT_JAEGER_URL = 'http://127.0.0.1:16686';
export const DEFAULT_LOGS_URL = 'http://127.0.0.1:9428';

export interface BackendUrls {
  jaeger: string;
  logs: string;
}

function checked(name: string, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`${name}: ${JSON.stringify(url)} is not a URL (e.g. http://127.0.0.1:16686)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new RangeError(`${name}: ${JSON.stringify(url)} is not an http(s) URL`);
  return url.replace(/\/+$/, '');
}

export function backendUrls(o: {
  root?: string;
  env: NodeJS.ProcessEnv;
  jaegerUrl?: string;
  logsUrl?: string;
}): BackendUrls {
  const state = o.root ? readState(defaultStateFile(o.root, o.env)) : undefined;
  const jaeger = o.jaegerUrl
    ? ['--jaeger-url', o.jaegerUrl]
    : o.env.GAMEDAY_JAEGER_URL
      ? ['GAMEDAY_JAEGER_URL', o.env.GAMEDAY_JAEGER_URL]
      : ['stack.json traces.url', state?.traces?.url ?? DEFAULT_JAEGER_URL];
  const logs = o.logsUrl
    ? ['--logs-url', o.logsUrl]
    : o.env.GAMEDAY_LOGS_URL
      ? ['GAMEDAY_LOGS_URL', o.env.GAMEDAY_LOGS_URL]
      : ['stack.json logs.url', state?.logs?.url ?? DEFAULT_LOGS_URL];
  return { jaeger: checked(jaeger[0]!, jaeger[1]!), logs: checked(logs[0]!, logs[1]!) };
}
