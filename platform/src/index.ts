// Public API of @gameday/platform: what gameday services share beyond telemetry.
export { money, formatCents, CURRENCY } from './money';
export type { MoneyOptions } from './money';
export { playerIdentity, adminIdentity, PLAYER_ROLES } from './identity';
export type { PlayerIdentity, PlayerRole } from './identity';
export { openDatabase, migrate, withTransaction } from './database';
export type { DatabaseOptions, Migration, MigrationPool } from './database';
export { installFaultSwitches, FaultSwitches, FAULTS_PATH } from './faults';
export { ServiceTokens, SERVICE_TOKENS_PATTERN } from './service-tokens';
