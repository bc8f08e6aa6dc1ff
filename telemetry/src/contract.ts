// The names everything else agrees on (ARCHITECTURE.md §2 and §3): the standard HTTP histogram, the services
// and what each one depends on, and the `gameday_*` domain metrics. The services export these, the
// SLO generator builds rules from them, the dashboards query them and the local stack starts the
// services from the catalogue. No imports: the SLO generator, the dashboards and launchers load it
// without loading OpenTelemetry.

/** The standard HTTP histogram: one per service, one source (ARCHITECTURE.md §3). */
export const HTTP_DURATION_METRIC = 'http_server_request_duration_seconds';
export const HTTP_LABELS = {
  method: 'http_request_method',
  route: 'http_route',
  status: 'http_response_status_code',
} as const;
/** Its buckets (the OpenTelemetry default); a latency SLO's threshold must be one of them. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
/** The exemplar label that carries a sampled request's trace id (Grafana links it to Tempo). */
export const EXEMPLAR_TRACE_LABEL = 'trace_id';
/** Probe and scrape endpoints: not player traffic. */
export const NON_PLAYER_ROUTES: readonly string[] = ['/metrics', '/healthz', '/readyz', '/version'];
/** Prometheus scrapes each service with job = the service's name. */
export const SERVICE_JOB_LABEL = 'job';
/** The log-line field (and Loki stream label) naming the service. */
export const LOG_SERVICE_LABEL = 'service';

/** How a service uses Kafka: producer (events, and the outbox relays of accounts and casino) or consumer. */
export type KafkaRole = 'producer' | 'consumer';

export interface ServiceEntry {
  name: string;
  port: number;
  description: string;
  /** Its own PostgreSQL database (a `pg` pool: gameday_db_pool_*). */
  database?: string;
  kafka?: KafkaRole;
  /** Services (and infrastructure) that must be up first; its upstream calls. */
  dependsOn: readonly string[];
}

/** Every service of apps/, in start order (ARCHITECTURE.md §2). */
export const SERVICES: readonly ServiceEntry[] = [
  {
    name: 'accounts',
    port: 8081,
    database: 'accounts',
    kafka: 'producer',
    description: 'players, login, JWT issue',
    dependsOn: [],
  },
  {
    name: 'wallet',
    port: 8082,
    database: 'wallet',
    description: 'balances on a double-entry ledger',
    dependsOn: [],
  },
  {
    name: 'casino',
    port: 8083,
    database: 'casino',
    kafka: 'producer',
    description: 'ten provably fair games, jackpot',
    dependsOn: ['wallet'],
  },
  {
    name: 'pokemon',
    port: 8084,
    database: 'pokemon',
    kafka: 'producer',
    description: 'pokédex, trainers and teams, battles, ratings',
    dependsOn: [],
  },
  {
    name: 'scheduler',
    port: 8087,
    database: 'scheduler',
    kafka: 'producer',
    description: 'jobs (pg-boss): tournaments, matchmaking, challenges, retention',
    dependsOn: ['pokemon'],
  },
  {
    name: 'events',
    port: 8085,
    kafka: 'producer',
    description: 'game-event ingestion into Kafka',
    dependsOn: ['kafka'],
  },
  {
    name: 'leaderboard',
    port: 8086,
    database: 'leaderboard',
    kafka: 'consumer',
    description: 'Kafka consumer: boards, statistics, achievements',
    dependsOn: ['kafka'],
  },
  {
    name: 'gateway',
    port: 8080,
    description: 'the public API: JWT check, rate limits, routing',
    dependsOn: ['accounts', 'wallet', 'casino', 'pokemon', 'scheduler', 'events', 'leaderboard'],
  },
];

export function serviceEntry(name: string): ServiceEntry {
  const entry = SERVICES.find((s) => s.name === name);
  if (!entry)
    throw new Error(`no service "${name}" in the catalogue (${SERVICES.map((s) => s.name).join(', ')})`);
  return entry;
}

/** The `gameday_*` domain metrics (labels in comments), by the part of the system that exports them. */
export const METRICS = {
  // every service
  dependencyUp: 'gameday_dependency_up', // {dependency}
  buildInfo: 'gameday_build_info', // {service, version, revision}: always 1
  dbPoolConnections: 'gameday_db_pool_connections', // {state: total|idle|waiting}
  dbPoolMax: 'gameday_db_pool_max',
  spansExported: 'gameday_telemetry_spans_exported_total',
  spansDropped: 'gameday_telemetry_spans_dropped_total', // {reason}
  outboxPending: 'gameday_outbox_pending',
  outboxPublished: 'gameday_outbox_published_total',
  outboxPublishFailures: 'gameday_outbox_publish_failures_total',
  // casino
  bets: 'gameday_bets_total', // {game, outcome}
  casinoWagered: 'gameday_casino_wagered_cents_total', // {game}
  casinoPaidOut: 'gameday_casino_paid_out_cents_total', // {game}
  casinoRealisedRtp: 'gameday_casino_realised_rtp_ratio', // {game}
  casinoDocumentedRtp: 'gameday_casino_documented_rtp_ratio', // {game}
  casinoJackpotPool: 'gameday_casino_jackpot_pool_cents',
  casinoJackpotWins: 'gameday_casino_jackpot_wins_total',
  casinoJackpotWon: 'gameday_casino_jackpot_won_cents_total',
  casinoRecoveredRounds: 'gameday_casino_recovered_rounds_total',
  // wallet
  walletTransactions: 'gameday_wallet_transactions_total', // {kind, outcome}
  walletMovedCents: 'gameday_wallet_moved_cents_total', // {kind}
  walletReconciliationRuns: 'gameday_wallet_reconciliation_runs_total', // {result}
  walletReconciliationHealthy: 'gameday_wallet_reconciliation_healthy',
  walletReconciliationMismatched: 'gameday_wallet_reconciliation_mismatched_accounts',
  walletReconciliationLastRun: 'gameday_wallet_reconciliation_last_run_timestamp_seconds',
  walletLedgerImbalance: 'gameday_wallet_ledger_imbalance_cents',
  // pokemon
  pokemonBattles: 'gameday_pokemon_battles_total', // {format, mode, end_reason}
  pokemonBattleTurns: 'gameday_pokemon_battle_turns', // histogram {mode}
  pokemonTurnDuration: 'gameday_pokemon_turn_duration_seconds', // histogram {mode}
  pokemonBattlesResumed: 'gameday_pokemon_battles_resumed_total',
  pokemonRatingUpdates: 'gameday_pokemon_rating_updates_total',
  pokemonActiveBattles: 'gameday_pokemon_active_battles',
  pokemonSimulatorQueued: 'gameday_pokemon_simulator_queued',
  pokeapiRequests: 'gameday_pokeapi_requests_total', // {outcome}
  pokeapiRequestDuration: 'gameday_pokeapi_request_duration_seconds', // histogram {outcome}
  pokeapiCircuitState: 'gameday_pokeapi_circuit_state', // {state: closed|open|half_open}
  pokedexEnrichment: 'gameday_pokedex_enrichment_total', // {result}
  // scheduler
  schedulerJobs: 'gameday_scheduler_jobs_total', // {queue, outcome}
  schedulerJobDuration: 'gameday_scheduler_job_duration_seconds', // histogram {queue}
  schedulerJobStartDelay: 'gameday_scheduler_job_start_delay_seconds', // histogram {queue}: freshness
  schedulerQueueJobs: 'gameday_scheduler_queue_jobs', // {queue, state}
  schedulerOldestDueJobAge: 'gameday_scheduler_oldest_due_job_age_seconds', // {queue}
  schedulerTournamentBattles: 'gameday_scheduler_tournament_battles_total',
  schedulerTournamentsFinished: 'gameday_scheduler_tournaments_finished_total', // {kind}
  schedulerMatchmakingPairs: 'gameday_scheduler_matchmaking_pairs_total', // {format}
  schedulerMatchmakingWait: 'gameday_scheduler_matchmaking_wait_seconds', // histogram
  // events pipeline
  eventsIngested: 'gameday_events_ingested_total', // {type}
  eventsRejected: 'gameday_events_rejected_total', // {reason}
  consumerLag: 'gameday_consumer_lag', // {topic, partition, group}
  leaderboardProcessed: 'gameday_leaderboard_events_processed_total', // {type, result}
  leaderboardDeadLettered: 'gameday_leaderboard_dead_lettered_total', // {reason}
  leaderboardFreshness: 'gameday_leaderboard_event_freshness_seconds', // histogram
  // gateway
  gatewayUpstream: 'gameday_gateway_upstream_requests_total', // {upstream, outcome}
  gatewayRateLimited: 'gameday_gateway_rate_limited_total', // {scope}
  // the local stack and the chaos controller
  stackRestarts: 'gameday_stack_restarts_total', // {service}
  stackComponentReady: 'gameday_stack_component_ready', // {component}
  chaosExperimentActive: 'gameday_chaos_experiment_active', // {experiment, fault}
  chaosRuns: 'gameday_chaos_experiment_runs_total', // {experiment, verdict}
  chaosVerdict: 'gameday_chaos_experiment_verdict', // {experiment, verdict}: 1 for the last
  chaosLastRun: 'gameday_chaos_experiment_last_run_timestamp_seconds', // {experiment}
  chaosBudgetConsumed: 'gameday_chaos_experiment_budget_consumed_ratio', // {experiment}
  chaosMaxBurnRate: 'gameday_chaos_experiment_max_burn_rate', // {experiment}
  chaosDetection: 'gameday_chaos_experiment_detection_seconds', // {experiment}
  chaosRecovery: 'gameday_chaos_experiment_recovery_seconds', // {experiment}
  chaosFaultsInjected: 'gameday_chaos_faults_injected_total', // {kind}
  chaosFaultsActive: 'gameday_chaos_faults_active', // {kind}
} as const;

/** Runtime metrics every service exports (prom-client's default collectors). */
export const RUNTIME_METRICS = {
  eventLoopLagP50: 'nodejs_eventloop_lag_p50_seconds',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  residentMemory: 'process_resident_memory_bytes',
  /** A histogram, by `kind` (major, minor, incremental, weakcb). */
  gcDuration: 'nodejs_gc_duration_seconds',
  cpuSeconds: 'process_cpu_seconds_total',
  processStart: 'process_start_time_seconds',
} as const;
