export { startServer } from './server';
export type { GatewayServer } from './server';
export { openApiDocument } from './openapi';
export type { OpenApiDocument } from './openapi';
export { AREAS, API_PREFIX, GATEWAY_ROUTES, PUBLIC_ROUTES } from './domain/areas';
export type { Area } from './domain/areas';
