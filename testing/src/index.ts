export { startPostgres } from './postgres';
export type { TestPostgres } from './postgres';
export { startService, startNodeProcess, REPO_ROOT } from './process';
export type { ServiceProcess, StartOptions } from './process';
export { OtlpReceiver } from './otlp';
export type { ReceivedSpan } from './otlp';
export { freePort } from './ports';
export { request } from './http';
export type { HttpResponse, RequestOptions } from './http';
