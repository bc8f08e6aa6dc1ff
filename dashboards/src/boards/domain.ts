// Domain dashboards: what the business side of an incident looks like. Casino (bets, RTP, jackpot,
// money in and out), wallet (reconciliation, money moved, idempotent replays), the events
// pipeline (ingested, produced, lag, dead letters, freshness), pokemon (battles, turns, the
// PokeAPI fetcher and its circuit breaker), and the scheduler (job queues, dead jobs, how late jobs
// start, tournaments, matchmaking).
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { record, SLO_NAME_LABEL, SLO_SERVICE_LABEL, type Slo } from '@gameday/slo';
import {
  HTTP_DURATION_METRIC as HTTP,
  HTTP_LABELS,
  METRICS,
  SERVICE_JOB_LABEL,
} from '@gameday/telemetry/contract';
import { board } from '../board';
import { COLORS, RATE, SIZE } from '../defaults';
import { dashboardLink, slosOf, type BoardInput } from '../model';
import { SLO_VARIABLE, UID } from '../naming';
import {
  labelValuesVariable,
  link,
  prom,
  row,
  statPanel,
  stateTimelinePanel,
  timeseriesPanel,
  valueText,
} from '../panels';

const CENTS_TO_UNITS = 100;

function serviceLink(service: string): dashboard.DashboardLinkBuilder {
  return link(
    `Service ${service}`,
    dashboardLink(UID.service(service)),
    `RED, runtime, dependencies and logs of ${service}`,
  );
}

export function casinoBoard(): dashboard.DashboardBuilder {
  const game = `game=~"$game"`;
  const b = board({
    uid: UID.casino,
    title: 'gameday / casino',
    description:
      'Bets per game, realised against documented return to player (RTP), the progressive jackpot, and the money wagered and paid out.',
    tags: ['domain', 'casino'],
  })
    .withVariable(
      labelValuesVariable('game', 'Game', METRICS.bets, 'game', dashboard.VariableRefresh.OnDashboardLoad),
    )
    .link(serviceLink('casino'));

  b.withRow(row('Bets'))
    .withPanel(
      timeseriesPanel({
        title: 'Bets/s by game',
        description: 'Settled rounds per second, by game.',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [prom(`sum by (game) (rate(${METRICS.bets}{${game}}[${RATE}]))`, { legend: '{{game}}' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Outcomes',
        description: 'Settled rounds per second by outcome (win, lose, push) over the selected games.',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (outcome) (rate(${METRICS.bets}{${game}}[${RATE}]))`, { legend: '{{outcome}}' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'RTP: realised (1h) against documented',
        description:
          'Paid out over wagered in the last hour, per game, beside each game’s documented RTP (dashed). Far from it over many rounds: a payout bug.',
        w: SIZE.full,
        unit: 'percentunit',
        legendCalcs: ['lastNotNull'],
        queries: [
          prom(
            `sum by (game) (rate(${METRICS.casinoPaidOut}{${game}}[1h])) / sum by (game) (rate(${METRICS.casinoWagered}{${game}}[1h]))`,
            { legend: 'realised {{game}}' },
          ),
          prom(`max by (game) (${METRICS.casinoDocumentedRtp}{${game}})`, { legend: 'documented {{game}}' }),
        ],
      }).overrideByRegexp('documented .*', [
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      ]),
    );

  b.withRow(row('Money and jackpot'))
    .withPanel(
      timeseriesPanel({
        title: 'Wagered and paid out (per second)',
        description: 'Money staked and paid on settled rounds per second, in currency units (cents / 100).',
        unit: 'currencyUSD',
        min: 0,
        queries: [
          prom(`sum(rate(${METRICS.casinoWagered}{${game}}[${RATE}])) / ${CENTS_TO_UNITS}`, {
            legend: 'wagered',
          }),
          prom(`sum(rate(${METRICS.casinoPaidOut}{${game}}[${RATE}])) / ${CENTS_TO_UNITS}`, {
            legend: 'paid out',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Gross gaming revenue by game (1h)',
        description: 'Wagered minus paid out over the last hour: the house’s take, per game.',
        unit: 'currencyUSD',
        queries: [
          prom(
            `(sum by (game) (increase(${METRICS.casinoWagered}{${game}}[1h])) - sum by (game) (increase(${METRICS.casinoPaidOut}{${game}}[1h]))) / ${CENTS_TO_UNITS}`,
            { legend: '{{game}}' },
          ),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Jackpot pool',
        description: 'The slots progressive jackpot pool now.',
        w: SIZE.third,
        unit: 'currencyUSD',
        baseColor: COLORS.info,
        graph: true,
        queries: [prom(`max(${METRICS.casinoJackpotPool}) / ${CENTS_TO_UNITS}`, { legend: 'pool' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Jackpots won',
        description: 'Jackpots won and the amount paid from the pool over the dashboard’s time range.',
        w: SIZE.third,
        baseColor: COLORS.info,
        queries: [
          prom(`sum(increase(${METRICS.casinoJackpotWins}[$__range]))`, { legend: 'wins', instant: true }),
          prom(`sum(increase(${METRICS.casinoJackpotWon}[$__range])) / ${CENTS_TO_UNITS}`, {
            legend: 'paid from pool',
            instant: true,
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Rounds finished by recovery',
        description:
          'Rounds a crash left unfinished, settled or voided by the recovery loop: each one is money that was not lost.',
        w: SIZE.third,
        h: SIZE.statHeight,
        min: 0,
        bars: true,
        queries: [
          prom(`sum by (result) (increase(${METRICS.casinoRecoveredRounds}[$__interval]))`, {
            legend: '{{result}}',
          }),
        ],
      }),
    );
  return b;
}

export function walletBoard(): dashboard.DashboardBuilder {
  const job = `${SERVICE_JOB_LABEL}="wallet"`;
  const b = board({
    uid: UID.wallet,
    title: 'gameday / wallet',
    description:
      'The double-entry ledger: is it sound (reconciliation), how much money moves, and how often clients retry (idempotent replays).',
    tags: ['domain', 'wallet'],
  }).link(serviceLink('wallet'));

  b.withRow(row('Reconciliation'))
    .withPanel(
      statPanel({
        title: 'Ledger',
        description:
          'The last reconciliation: sound (every posting balances, every balance matches its postings) or mismatch.',
        w: SIZE.quarter,
        background: true,
        baseColor: COLORS.bad,
        thresholds: [{ value: 1, color: COLORS.ok }],
        mappings: valueText([
          { value: '0', text: 'MISMATCH', color: COLORS.bad },
          { value: '1', text: 'sound', color: COLORS.ok },
        ]),
        queries: [prom(`min(${METRICS.walletReconciliationHealthy}{${job}})`, { legend: 'ledger' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Ledger imbalance',
        description:
          'Sum of every posting at the last reconciliation: anything but 0 is money created or destroyed.',
        w: SIZE.quarter,
        unit: 'currencyUSD',
        thresholds: [{ value: 0.01, color: COLORS.bad }],
        queries: [
          prom(`max(abs(${METRICS.walletLedgerImbalance}{${job}})) / ${CENTS_TO_UNITS}`, {
            legend: 'imbalance',
          }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Mismatched accounts',
        description: 'Accounts whose cached balance differed from their postings at the last reconciliation.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.bad }],
        queries: [prom(`max(${METRICS.walletReconciliationMismatched}{${job}})`, { legend: 'accounts' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Last reconciliation',
        description: 'How long ago the last reconciliation finished.',
        w: SIZE.quarter,
        unit: 's',
        thresholds: [
          { value: 600, color: COLORS.warn },
          { value: 3600, color: COLORS.bad },
        ],
        queries: [prom(`time() - max(${METRICS.walletReconciliationLastRun}{${job}})`, { legend: 'ago' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Reconciliation runs by result',
        description: 'ok, mismatch (an invariant is broken: page-worthy), error (could not check).',
        w: SIZE.full,
        h: SIZE.statHeight + 2,
        min: 0,
        bars: true,
        stack: true,
        queries: [
          prom(`sum by (result) (increase(${METRICS.walletReconciliationRuns}{${job}}[$__interval]))`, {
            legend: '{{result}}',
          }),
        ],
      }),
    );

  b.withRow(row('Money movements'))
    .withPanel(
      timeseriesPanel({
        title: 'Money moved by kind',
        description: 'Completed deposits, bets, payouts and refunds per second, in currency units.',
        unit: 'currencyUSD',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (kind) (rate(${METRICS.walletMovedCents}{${job}}[${RATE}])) / ${CENTS_TO_UNITS}`, {
            legend: '{{kind}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Movements by outcome',
        description:
          'Requested movements per second by outcome: ok, replayed (a retry with the same Idempotency-Key, answered without moving money twice), insufficient_funds, conflict…',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (outcome) (rate(${METRICS.walletTransactions}{${job}}[${RATE}]))`, {
            legend: '{{outcome}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Idempotent replays',
        description:
          'Share of movements that were retries answered from the first result. It climbs when a caller times out and retries (a slow wallet or network).',
        w: SIZE.full,
        h: SIZE.statHeight + 2,
        unit: 'percentunit',
        min: 0,
        queries: [
          prom(
            `sum by (kind) (rate(${METRICS.walletTransactions}{${job},outcome="replayed"}[${RATE}])) / sum by (kind) (rate(${METRICS.walletTransactions}{${job}}[${RATE}]))`,
            { legend: '{{kind}}' },
          ),
        ],
      }),
    );
  return b;
}

export function eventsBoard(input: BoardInput): dashboard.DashboardBuilder {
  const freshness = slosOf(input, 'leaderboard').find((s) => s.name === 'freshness');
  const b = board({
    uid: UID.events,
    title: 'gameday / events pipeline',
    description:
      'Game events from ingestion (events service) through Kafka to the leaderboard consumer: ingested and refused, produced, consumer lag per partition, dead letters and freshness.',
    tags: ['domain', 'events'],
  })
    .link(serviceLink('events'))
    .link(serviceLink('leaderboard'));

  b.withRow(row('Ingestion'))
    .withPanel(
      timeseriesPanel({
        title: 'Events ingested by type',
        description: 'Events acknowledged by Kafka per second, by type (client events together as "client").',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [prom(`sum by (type) (rate(${METRICS.eventsIngested}[${RATE}]))`, { legend: '{{type}}' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Events refused by reason',
        description: 'invalid (400/403), rate_limited (429), unavailable (Kafka down: 503 with Retry-After).',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (reason) (rate(${METRICS.eventsRejected}[${RATE}]))`, { legend: '{{reason}}' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Produced through the outbox',
        description:
          'Domain events (player registered, round settled) published by the accounts and casino outboxes, and what waits to be published.',
        w: SIZE.full,
        h: SIZE.statHeight + 2,
        min: 0,
        queries: [
          prom(`sum by (${SERVICE_JOB_LABEL}) (rate(${METRICS.outboxPublished}[${RATE}]))`, {
            legend: 'published/s {{job}}',
          }),
          prom(`sum by (${SERVICE_JOB_LABEL}) (${METRICS.outboxPending})`, { legend: 'pending {{job}}' }),
        ],
      }),
    );

  b.withRow(row('Consumption'))
    .withPanel(
      timeseriesPanel({
        title: 'Consumer lag per partition',
        description: 'Messages not yet committed by the leaderboard’s consumer group, per topic partition.',
        unit: 'short',
        min: 0,
        queries: [
          prom(`sum by (topic, partition) (${METRICS.consumerLag})`, { legend: '{{topic}}/{{partition}}' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Processed by result',
        description: 'Events the leaderboard applied, and duplicates it recognised (at-least-once delivery).',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (result) (rate(${METRICS.leaderboardProcessed}[${RATE}]))`, { legend: '{{result}}' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Dead-lettered by reason',
        description:
          'Messages the consumer could not use, sent to the dead-letter topic (not-json, invalid).',
        unit: 'ops',
        min: 0,
        queries: [
          prom(`sum by (reason) (rate(${METRICS.leaderboardDeadLettered}[${RATE}]))`, {
            legend: '{{reason}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Freshness',
        description:
          'From an event reaching Kafka to its effect being visible in the leaderboard: p50 and p99.',
        unit: 's',
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.5, sum by (le) (rate(${METRICS.leaderboardFreshness}_bucket[${RATE}])))`,
            { legend: 'p50' },
          ),
          prom(
            `histogram_quantile(0.99, sum by (le) (rate(${METRICS.leaderboardFreshness}_bucket[${RATE}])))`,
            { legend: 'p99' },
          ),
        ],
      }),
    );
  if (freshness) {
    const sel = `${SLO_SERVICE_LABEL}="${freshness.service}",${SLO_NAME_LABEL}="${freshness.name}"`;
    b.withPanel(
      timeseriesPanel({
        title: 'Freshness SLI',
        description: `${freshness.description} Share of events later than that (5m and 1h), against the error budget (dashed).`,
        w: SIZE.full,
        unit: 'percentunit',
        min: 0,
        links: [
          {
            title: 'Freshness SLO',
            url: dashboardLink(UID.slo(freshness.service), { [SLO_VARIABLE]: freshness.name }),
          },
        ],
        queries: [
          prom(`${record.sliError('5m')}{${sel}}`, { legend: 'late (5m)' }),
          prom(`${record.sliError('1h')}{${sel}}`, { legend: 'late (1h)' }),
          prom(`${record.errorBudget}{${sel}}`, { legend: 'error budget' }),
        ],
      }),
    );
  }
  return b;
}

/** An SLO's error ratio over 5m and 1h against its budget (dashed), linked to its SLO dashboard. */
function sliPanel(slo: Slo, title: string, what: string): ReturnType<typeof timeseriesPanel> {
  const sel = `${SLO_SERVICE_LABEL}="${slo.service}",${SLO_NAME_LABEL}="${slo.name}"`;
  return timeseriesPanel({
    title,
    description: `${slo.description} Share of ${what} (5m and 1h), against the error budget (dashed).`,
    unit: 'percentunit',
    min: 0,
    links: [
      {
        title: `${slo.service}/${slo.name} SLO`,
        url: dashboardLink(UID.slo(slo.service), { [SLO_VARIABLE]: slo.name }),
      },
    ],
    queries: [
      prom(`${record.sliError('5m')}{${sel}}`, { legend: 'bad (5m)' }),
      prom(`${record.sliError('1h')}{${sel}}`, { legend: 'bad (1h)' }),
      prom(`${record.errorBudget}{${sel}}`, { legend: 'error budget' }),
    ],
  }).overrideByName('error budget', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]);
}

export function pokemonBoard(input: BoardInput): dashboard.DashboardBuilder {
  const job = `${SERVICE_JOB_LABEL}="pokemon"`;
  const format = `${job},format=~"$format"`;
  const slos = slosOf(input, 'pokemon');
  const turnSlo = slos.find((s) => s.name === 'turn-latency');
  const speciesSlo = slos.find((s) => s.name === 'species-latency');
  const b = board({
    uid: UID.pokemon,
    title: 'gameday / pokemon',
    description:
      'Battles by mode, format and end, turn times, battles in progress, battles replayed from storage and rating updates; the PokeAPI fetcher: requests by outcome, its circuit breaker and what species pages got from it.',
    tags: ['domain', 'pokemon'],
  })
    .withVariable(
      labelValuesVariable(
        'format',
        'Format',
        METRICS.pokemonBattles,
        'format',
        dashboard.VariableRefresh.OnDashboardLoad,
      ),
    )
    .link(serviceLink('pokemon'));

  b.withRow(row('Battles'))
    .withPanel(
      timeseriesPanel({
        title: 'Battles finished/s by mode and format',
        description:
          'Finished battles per second: ai (instant battles against the AI, simulated in one request) and pvp (between players, turn by turn).',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (mode, format) (rate(${METRICS.pokemonBattles}{${format}}[${RATE}]))`, {
            legend: '{{mode}} {{format}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'How battles end',
        description:
          'Finished battles per second by end reason: normal, forfeit, timeout (a player ran out of time with the forfeit timeout action). Many timeouts: players leave, or their choices do not get through.',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (mode, end_reason) (rate(${METRICS.pokemonBattles}{${format}}[${RATE}]))`, {
            legend: '{{mode}} {{end_reason}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Turn time p50 / p99 by mode',
        description:
          'Time to resolve one turn: simulation and storage for battles between players (pvp, held to 50 ms by pokemon/turn-latency, dashed), simulation alone for instant battles (ai).',
        unit: 's',
        min: 0,
        thresholdLines: true,
        thresholds: [{ value: 0.05, color: COLORS.bad }],
        queries: [
          prom(
            `histogram_quantile(0.5, sum by (le, mode) (rate(${METRICS.pokemonTurnDuration}_bucket{${job}}[${RATE}])))`,
            { legend: 'p50 {{mode}}' },
          ),
          prom(
            `histogram_quantile(0.99, sum by (le, mode) (rate(${METRICS.pokemonTurnDuration}_bucket{${job}}[${RATE}])))`,
            { legend: 'p99 {{mode}}' },
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Turns per battle p50 / p90 by mode',
        description:
          'Turns of finished battles. Longer battles take longer to simulate (instant) and to replay.',
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.5, sum by (le, mode) (rate(${METRICS.pokemonBattleTurns}_bucket{${job}}[${RATE}])))`,
            { legend: 'p50 {{mode}}' },
          ),
          prom(
            `histogram_quantile(0.9, sum by (le, mode) (rate(${METRICS.pokemonBattleTurns}_bucket{${job}}[${RATE}])))`,
            { legend: 'p90 {{mode}}' },
          ),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Battles in progress',
        description:
          'Battles between players in progress (a count from PostgreSQL: every instance reports the same number, hence max, not sum).',
        w: SIZE.third,
        baseColor: COLORS.info,
        graph: true,
        queries: [prom(`max(${METRICS.pokemonActiveBattles}{${job}})`, { legend: 'active' })],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Battles replayed from storage',
        description:
          'Battles rebuilt from PostgreSQL by replaying their seed and choices, per second: after a restart, on another instance, or evicted from the in-memory cache. Each replay re-simulates the battle so far, so many of them slow turns down.',
        w: SIZE.third,
        h: SIZE.statHeight,
        unit: 'ops',
        min: 0,
        queries: [
          prom(`sum(rate(${METRICS.pokemonBattlesResumed}{${job}}[${RATE}]))`, { legend: 'replayed' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Rating updates',
        description: 'Glicko-2 rating updates per second (two per finished rated battle between players).',
        w: SIZE.third,
        h: SIZE.statHeight,
        unit: 'ops',
        min: 0,
        queries: [prom(`sum(rate(${METRICS.pokemonRatingUpdates}{${job}}[${RATE}]))`, { legend: 'updates' })],
      }),
    );
  if (turnSlo) {
    const routes = turnSlo.sli.kind === 'ratio' ? [] : turnSlo.sli.routes;
    b.withPanel(sliPanel(turnSlo, 'Turn latency SLI', `choices slower than the threshold`)).withPanel(
      timeseriesPanel({
        title: 'Choice requests p99 against turn time p99',
        description:
          'p99 of the choice requests (what players wait for, and what pokemon/turn-latency counts) beside p99 of the pvp turn itself. Far apart: the time goes to waiting (event loop busy with instant battles, the battle row lock, the pool), not to the turn.',
        unit: 's',
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.99, sum by (le) (rate(${HTTP}_bucket{${job},${HTTP_LABELS.route}=~"${routes.join('|')}",${HTTP_LABELS.method}="POST"}[${RATE}])))`,
            { legend: 'choice requests p99' },
          ),
          prom(
            `histogram_quantile(0.99, sum by (le) (rate(${METRICS.pokemonTurnDuration}_bucket{${job},mode="pvp"}[${RATE}])))`,
            { legend: 'pvp turn p99' },
          ),
        ],
      }),
    );
  }

  b.withRow(row('PokeAPI fetcher'))
    .withPanel(
      stateTimelinePanel({
        title: 'Circuit breaker',
        description:
          'The PokeAPI circuit breaker per instance: closed (PokeAPI is called), open (calls fail fast, species pages answer from the bundled pokédex), half-open (the next call is a trial). Open or half-open for 10 minutes opens a ticket (PokeAPICircuitOpen); it never pages.',
        w: SIZE.full,
        h: SIZE.statHeight + 2,
        queries: [
          prom(
            `max by (instance) (${METRICS.pokeapiCircuitState}{${job},state="open"}) * 2 + max by (instance) (${METRICS.pokeapiCircuitState}{${job},state="half_open"})`,
            { legend: '{{instance}}' },
          ),
        ],
        mappings: valueText([
          { value: '0', text: 'closed', color: COLORS.ok },
          { value: '1', text: 'half-open', color: COLORS.warn },
          { value: '2', text: 'open', color: COLORS.bad },
        ]),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'PokeAPI requests by outcome',
        description:
          'Attempts per second by outcome: success, not_found, rate_limited, server_error, timeout, network_error, invalid_response, and short_circuited (not sent: the circuit is open).',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (outcome) (rate(${METRICS.pokeapiRequests}{${job}}[${RATE}]))`, {
            legend: '{{outcome}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'PokeAPI request time p50 / p99',
        description:
          'Time of one PokeAPI attempt (short-circuited calls are not timed). A species page waits at most POKEAPI_WAIT_MS (300 ms) for them; the fetch goes on and fills the cache.',
        unit: 's',
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.5, sum by (le) (rate(${METRICS.pokeapiRequestDuration}_bucket{${job}}[${RATE}])))`,
            { legend: 'p50' },
          ),
          prom(
            `histogram_quantile(0.99, sum by (le) (rate(${METRICS.pokeapiRequestDuration}_bucket{${job}}[${RATE}])))`,
            { legend: 'p99' },
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Species pages by enrichment',
        description:
          'What species pages got from the fetcher, per second: fresh (cached, or fetched within the wait), stale (an expired cache entry while a refresh runs), unavailable (bundled data alone: PokeAPI did not answer in time), not_found (PokeAPI has no such species).',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (result) (rate(${METRICS.pokedexEnrichment}{${job}}[${RATE}]))`, {
            legend: '{{result}}',
          }),
        ],
      }),
    );
  if (speciesSlo)
    b.withPanel(sliPanel(speciesSlo, 'Species page latency SLI', 'species pages slower than the threshold'));
  return b;
}

export function schedulerBoard(input: BoardInput): dashboard.DashboardBuilder {
  const job = `${SERVICE_JOB_LABEL}="scheduler"`;
  const queue = `${job},queue=~"$queue"`;
  const dead = `${job},queue="dead-jobs",state=~"ready|deferred"`;
  const freshness = slosOf(input, 'scheduler').find((s) => s.name === 'freshness');
  const b = board({
    uid: UID.scheduler,
    title: 'gameday / scheduler',
    description:
      'The job queues (pg-boss): depth by state, dead jobs, the oldest due job, how late jobs start (the freshness SLO), runs by outcome and run time; tournaments (battles played, tournaments finished) and matchmaking (pairs, waits).',
    tags: ['domain', 'scheduler'],
  })
    .withVariable(
      labelValuesVariable(
        'queue',
        'Queue',
        METRICS.schedulerQueueJobs,
        'queue',
        dashboard.VariableRefresh.OnDashboardLoad,
      ),
    )
    .link(serviceLink('scheduler'))
    .link(serviceLink('pokemon'));

  b.withRow(row('Queues'))
    .withPanel(
      statPanel({
        title: 'Dead jobs',
        description:
          'Jobs whose retries are spent, waiting in the dead-jobs queue (every instance reports the same pg-boss count: max, not sum). Any for 10 minutes opens a ticket (SchedulerDeadJobs): retry them with POST /api/v1/scheduler/dead-jobs/{id}/retry once the cause is fixed.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.bad }],
        graph: true,
        queries: [
          prom(`max(sum by (instance) (${METRICS.schedulerQueueJobs}{${dead}})) or vector(0)`, {
            legend: 'dead jobs',
          }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Oldest due job',
        description:
          'Age of the oldest job that is due and not started, over the selected queues. Healthy: under SCHEDULER_POLL_SECONDS. Over 2 minutes for 5 minutes opens a ticket (SchedulerQueueStalled).',
        w: SIZE.quarter,
        unit: 's',
        thresholds: [
          { value: 30, color: COLORS.warn },
          { value: 120, color: COLORS.bad },
        ],
        graph: true,
        queries: [prom(`max(${METRICS.schedulerOldestDueJobAge}{${queue}})`, { legend: 'oldest due' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Jobs running',
        description: 'Jobs active now over the selected queues (one at a time per queue and instance).',
        w: SIZE.quarter,
        baseColor: COLORS.info,
        graph: true,
        queries: [
          prom(`sum(max by (queue) (${METRICS.schedulerQueueJobs}{${queue},state="active"}))`, {
            legend: 'active',
          }),
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Failed runs',
        description:
          'Runs that threw over the dashboard’s time range, selected queues: each is retried with backoff (SCHEDULER_RETRY_*) until its retries are spent.',
        w: SIZE.quarter,
        thresholds: [{ value: 1, color: COLORS.warn }],
        queries: [
          prom(`sum(increase(${METRICS.schedulerJobs}{${queue},outcome="failed"}[$__range]))`, {
            legend: 'failed',
            instant: true,
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Queue depth by state',
        description:
          'Jobs per queue by state, from pg-boss’s queue counts (refreshed every SCHEDULER_SUPERVISE_SECONDS): ready (due, waiting for a worker), deferred (not due yet: the next matchmaking pass, a tournament start, a retry in backoff), active (running), failed (retained after their retries were spent). A dead job is ready in dead-jobs.',
        w: SIZE.full,
        min: 0,
        legendCalcs: ['lastNotNull', 'max'],
        queries: [
          prom(`max by (queue, state) (${METRICS.schedulerQueueJobs}{${queue}})`, {
            legend: '{{queue}} {{state}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Oldest due job age by queue',
        description:
          'How long the oldest due job of each queue has waited for a worker. It grows a second a second when a queue stalls (a worker stuck in a job, workers gone): no start, so no start delay is recorded and the freshness SLO cannot see it. Dashed: the SLO’s 30 s and the ticket’s 2 minutes.',
        unit: 's',
        min: 0,
        thresholdLines: true,
        thresholds: [
          { value: 30, color: COLORS.warn },
          { value: 120, color: COLORS.bad },
        ],
        queries: [
          prom(`max by (queue) (${METRICS.schedulerOldestDueJobAge}{${queue}})`, { legend: '{{queue}}' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Start delay p50 / p99 by queue',
        description:
          'How late jobs started after their due time (start-after), by queue. The freshness SLO counts starts within 30 s (dashed).',
        unit: 's',
        min: 0,
        thresholdLines: true,
        thresholds: [{ value: 30, color: COLORS.bad }],
        queries: [
          prom(
            `histogram_quantile(0.5, sum by (le, queue) (rate(${METRICS.schedulerJobStartDelay}_bucket{${queue}}[${RATE}])))`,
            { legend: 'p50 {{queue}}' },
          ),
          prom(
            `histogram_quantile(0.99, sum by (le, queue) (rate(${METRICS.schedulerJobStartDelay}_bucket{${queue}}[${RATE}])))`,
            { legend: 'p99 {{queue}}' },
          ),
        ],
      }),
    );

  b.withRow(row('Runs'))
    .withPanel(
      timeseriesPanel({
        title: 'Runs by queue and outcome',
        description:
          'Job runs per second: completed, or failed (the handler threw; pg-boss retries it with backoff, then dead-letters it). A job whose worker died is retried without a failed run here.',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (queue, outcome) (rate(${METRICS.schedulerJobs}{${queue}}[${RATE}]))`, {
            legend: '{{queue}} {{outcome}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Run time p50 / p99 by queue',
        description:
          'How long a run took, by queue. A queue runs one job at a time per instance, so a long run (a tournament round of many battles, a retention batch) holds the jobs behind it.',
        unit: 's',
        min: 0,
        queries: [
          prom(
            `histogram_quantile(0.5, sum by (le, queue) (rate(${METRICS.schedulerJobDuration}_bucket{${queue}}[${RATE}])))`,
            { legend: 'p50 {{queue}}' },
          ),
          prom(
            `histogram_quantile(0.99, sum by (le, queue) (rate(${METRICS.schedulerJobDuration}_bucket{${queue}}[${RATE}])))`,
            { legend: 'p99 {{queue}}' },
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Starts later than 30 s by queue',
        description:
          'Share of each queue’s starts that were more than 30 s late (5m): which queue burns the freshness SLO. The matchmaking pass runs every few seconds and makes most of the SLO’s events.',
        unit: 'percentunit',
        min: 0,
        queries: [
          prom(
            `1 - sum by (queue) (rate(${METRICS.schedulerJobStartDelay}_bucket{${queue},le="30"}[5m])) / sum by (queue) (rate(${METRICS.schedulerJobStartDelay}_count{${queue}}[5m]))`,
            { legend: '{{queue}}' },
          ),
        ],
      }),
    );
  if (freshness) b.withPanel(sliPanel(freshness, 'Freshness SLI', 'jobs started more than 30 s late'));

  b.withRow(row('Tournaments and matchmaking'))
    .withPanel(
      timeseriesPanel({
        title: 'Tournament battles/s',
        description:
          'Tournament matches played as battles by the pokemon service (POST /internal/battles, auto: simulated to the end). A retried round asks again, but each battle is played once.',
        unit: 'ops',
        min: 0,
        queries: [
          prom(`sum(rate(${METRICS.schedulerTournamentBattles}{${job}}[${RATE}]))`, { legend: 'battles' }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Tournaments finished by kind',
        description:
          'Tournaments finished per interval, single elimination or Swiss (each publishes tournament.finished once).',
        min: 0,
        bars: true,
        stack: true,
        queries: [
          prom(`sum by (kind) (increase(${METRICS.schedulerTournamentsFinished}{${job}}[$__interval]))`, {
            legend: '{{kind}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Matchmaking pairs/s by format',
        description:
          'Live battles started by matchmaking passes, by format (each pairs two waiting trainers of close rating).',
        unit: 'ops',
        min: 0,
        stack: true,
        queries: [
          prom(`sum by (format) (rate(${METRICS.schedulerMatchmakingPairs}{${job}}[${RATE}]))`, {
            legend: '{{format}}',
          }),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Matchmaking wait p50 / p90 / p99',
        description:
          'How long a trainer waited in the queue before a match. Windows widen with the wait (MATCHMAKING_WINDOW, MATCHMAKING_WIDEN_PER_SECOND, up to MATCHMAKING_WINDOW_MAX): long waits mean few players, or ratings far apart, or passes that do not run (see the oldest due job of matchmaking-pass).',
        unit: 's',
        min: 0,
        queries: [
          ['0.5', 'p50'],
          ['0.9', 'p90'],
          ['0.99', 'p99'],
        ].map(([q, legend]) =>
          prom(
            `histogram_quantile(${q}, sum by (le) (rate(${METRICS.schedulerMatchmakingWait}_bucket{${job}}[${RATE}])))`,
            { legend },
          ),
        ),
      }),
    );
  return b;
}
