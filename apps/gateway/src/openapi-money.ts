// The wallet and casino part of the OpenAPI document: paths, tags and schemas. The game ids and the
// example bets are the casino's own (@gameday/casino/contract), so the document names no game it lacks.
import { GAME_IDS, REFERENCE_BETS, REFERENCE_STAKE, ROULETTE_NUMBER_SETS } from '@gameday/casino/contract';
import { bodyResponses, gatewayResponses, json, ref, strict, uuid } from './openapi-common';

/** One valid request body per game, keyed by the game to post it to. */
const betExamples = Object.fromEntries(
  GAME_IDS.map((id) => [
    id,
    { summary: `A ${id} bet`, value: { stake: REFERENCE_STAKE, bet: REFERENCE_BETS[id] } },
  ]),
);

const money = (description: string) => ({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', description });
const dateTime = { type: 'string', format: 'date-time' };

/**
 * An amount as the services read one (`money()` of @gameday/platform): a decimal string or a JSON number,
 * positive, with at most 2 decimals, within limits. A string's limits are in its pattern; that a
 * number has at most 2 decimals is only said (`multipleOf: 0.01` misjudges binary fractions).
 */
const amount = (pattern: string, minimum: number, maximum: number, description: string) => ({
  oneOf: [
    { type: 'string', pattern },
    { type: 'number', minimum, maximum },
  ],
  description,
});
/** 0.01 to 1000000.00 (the wallet's MAX_DEPOSIT_CENTS), leading zeros read as the wallet reads them. */
const DEPOSIT_PATTERN =
  '^(?:0*(?:[1-9]\\d{0,5}(?:\\.\\d{1,2})?|1000000(?:\\.0{1,2})?)|0+\\.(?:0[1-9]|[1-9]\\d?))$';
/** 0.10 to 1000.00: the casino's default table limits (CASINO_MIN_STAKE, CASINO_MAX_STAKE). */
const STAKE_PATTERN = '^(?:0*(?:[1-9]\\d{0,2}(?:\\.\\d{1,2})?|1000(?:\\.0{1,2})?)|0+\\.[1-9]\\d?)$';

// A colon would make the casino's "<client seed>:<nonce>:<block>" ambiguous.
const clientSeed = { type: 'string', pattern: '^[\\x21-\\x39\\x3b-\\x7e]{1,64}$' };

const idempotencyKey = (required: boolean) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required,
  description:
    'A unique key per operation (e.g. a UUID), reused on retries: a retry with the same key and body returns ' +
    'the first result (with `Idempotent-Replayed: true`) and moves no money twice; the same key with another body is a 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
});

const roundId = {
  name: 'id',
  in: 'path',
  required: true,
  description: "The round's id.",
  schema: uuid,
};

const created = (description: string, schema: string) => ({
  description,
  headers: { Location: { $ref: '#/components/headers/Location' } },
  content: json(schema),
});

export const moneyTags = [
  {
    name: 'wallet',
    description: 'Balance, history and deposits (the wallet service: a double-entry ledger).',
  },
  {
    name: 'casino',
    description: 'Ten provably fair games, rounds, seeds and the jackpot (the casino service).',
  },
];

export const moneyPaths = {
  '/api/v1/wallet': {
    get: {
      operationId: 'getWallet',
      tags: ['wallet'],
      summary: 'Your balance',
      responses: {
        '200': { description: 'Your balance.', content: json('Balance') },
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/wallet/transactions': {
    get: {
      operationId: 'listTransactions',
      tags: ['wallet'],
      summary: 'Your transactions, newest first',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
        {
          name: 'cursor',
          in: 'query',
          description: 'The `next_cursor` of the previous page.',
          schema: { type: 'string', pattern: '^[1-9]\\d{0,17}$' },
        },
      ],
      responses: {
        '200': { description: 'A page of transactions.', content: json('TransactionPage') },
        '400': ref('BadRequest'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/wallet/deposits': {
    post: {
      operationId: 'deposit',
      tags: ['wallet'],
      summary: "Credit a player's balance (admins only)",
      parameters: [idempotencyKey(true)],
      requestBody: { required: true, content: json('DepositRequest') },
      responses: {
        '201': { description: 'The deposit (or, replayed, the first one).', content: json('Movement') },
        ...bodyResponses,
        '401': ref('Unauthorized'),
        '403': ref('Forbidden'),
        '409': ref('Conflict'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/wallet/reconciliation': {
    get: {
      operationId: 'getReconciliation',
      tags: ['wallet'],
      summary: 'The last ledger reconciliation (admins only)',
      responses: {
        '200': { description: 'The last check.', content: json('Reconciliation') },
        '401': ref('Unauthorized'),
        '403': ref('Forbidden'),
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    },
    post: {
      operationId: 'runReconciliation',
      tags: ['wallet'],
      summary: 'Reconcile the ledger now (admins only)',
      description:
        'Checks that every cached balance equals the sum of its postings and that the ledger sums to zero.',
      responses: {
        '200': { description: 'The check just made.', content: json('Reconciliation') },
        '401': ref('Unauthorized'),
        '403': ref('Forbidden'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/games': {
    get: {
      operationId: 'listGames',
      tags: ['casino'],
      summary: 'The games, their rules and RTP',
      responses: {
        '200': { description: 'The games served, with the table limits.', content: json('GameList') },
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/games/{game}/rounds': {
    post: {
      operationId: 'play',
      tags: ['casino'],
      summary: 'Bet on one round',
      description:
        'Debits the stake, decides the outcome from your seed pair and the next nonce, credits the payout. ' +
        'Blackjack answers with an open hand: continue with POST /api/v1/casino/rounds/{id}/actions. ' +
        'If the wallet does not answer, the round is recorded and settled or voided automatically (503).',
      parameters: [
        { name: 'game', in: 'path', required: true, schema: { type: 'string', enum: GAME_IDS } },
        idempotencyKey(false),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/BetRequest' }, examples: betExamples },
        },
      },
      responses: {
        '201': created('The round (settled, or an open blackjack hand).', 'Round'),
        ...bodyResponses,
        '401': ref('Unauthorized'),
        '404': ref('NotFound'),
        '409': ref('Conflict'),
        '422': ref('Unprocessable'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/rounds': {
    get: {
      operationId: 'listRounds',
      tags: ['casino'],
      summary: 'Your rounds, newest first',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        { name: 'game', in: 'query', schema: { type: 'string', enum: GAME_IDS } },
        {
          name: 'cursor',
          in: 'query',
          description: 'The `next_cursor` of the previous page.',
          schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' },
        },
      ],
      responses: {
        '200': { description: 'A page of rounds.', content: json('RoundPage') },
        '400': ref('BadRequest'),
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/rounds/{id}': {
    get: {
      operationId: 'getRound',
      tags: ['casino'],
      summary: 'One of your rounds',
      parameters: [roundId],
      responses: {
        '200': { description: 'The round.', content: json('Round') },
        '400': ref('BadRequest'),
        '401': ref('Unauthorized'),
        '404': ref('NotFound'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/rounds/{id}/actions': {
    post: {
      operationId: 'act',
      tags: ['casino'],
      summary: 'Hit, stand or double on your open blackjack hand',
      parameters: [roundId],
      requestBody: { required: true, content: json('ActionRequest') },
      responses: {
        '200': { description: 'The round after the action.', content: json('Round') },
        ...bodyResponses,
        '401': ref('Unauthorized'),
        '404': ref('NotFound'),
        '409': ref('Conflict'),
        '422': ref('Unprocessable'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/rounds/{id}/verification': {
    get: {
      operationId: 'verifyRound',
      tags: ['casino'],
      summary: 'Recompute one of your settled rounds from its revealed seed',
      parameters: [roundId],
      responses: {
        '200': {
          description: 'Whether the recorded outcome is the one the seeds give.',
          content: json('Verification'),
        },
        '400': ref('BadRequest'),
        '401': ref('Unauthorized'),
        '404': ref('NotFound'),
        '409': ref('Conflict'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/seeds': {
    get: {
      operationId: 'getSeeds',
      tags: ['casino'],
      summary: 'Your active seed pair: the server seed commitment, client seed and next nonce',
      responses: {
        '200': { description: 'The active seed pair.', content: json('SeedPair') },
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/seeds/rotate': {
    post: {
      operationId: 'rotateSeeds',
      tags: ['casino'],
      summary: 'Reveal the server seed and start a new pair',
      requestBody: { required: true, content: json('RotateRequest') },
      responses: {
        '200': { description: 'The revealed pair and the new one.', content: json('Rotation') },
        ...bodyResponses,
        '401': ref('Unauthorized'),
        '409': ref('Conflict'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/verify': {
    post: {
      operationId: 'verify',
      tags: ['casino'],
      summary: 'Recompute any round from seeds you provide',
      requestBody: { required: true, content: json('VerifyRequest') },
      responses: {
        '200': { description: 'The outcome those seeds give.', content: json('VerifyResult') },
        ...bodyResponses,
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
  '/api/v1/casino/jackpot': {
    get: {
      operationId: 'getJackpot',
      tags: ['casino'],
      summary: 'The slots progressive jackpot',
      responses: {
        '200': { description: 'The pool.', content: json('Jackpot') },
        '401': ref('Unauthorized'),
        ...gatewayResponses,
      },
    },
  },
};

const fairness = {
  type: 'object',
  additionalProperties: false,
  required: ['server_seed_hash', 'server_seed', 'client_seed', 'nonce'],
  properties: {
    server_seed_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    server_seed: { type: ['string', 'null'], description: 'Null until the pair is rotated.' },
    client_seed: { type: 'string' },
    nonce: { type: 'integer', minimum: 0 },
  },
};

/** `coin-flip` → `CoinFlipBet`: the component schema of a game's bet. */
const betSchema = (game: string) =>
  `${game.replace(/(?:^|-)([a-z])/g, (_match, letter: string) => letter.toUpperCase())}Bet`;

const pocket = { type: 'integer', minimum: 0, maximum: 36 };
/** The `numbers` of an inside roulette bet: one of `sets`, in any order. */
const coveredNumbers = (sets: number[][]) => ({
  type: 'array',
  items: pocket,
  minItems: sets[0].length,
  maxItems: sets[0].length,
  uniqueItems: true,
  anyOf: sets.map((set) => ({ items: { enum: set } })),
});

// Each game's bet (`params` in apps/casino/src/games/<game>.ts), as strict as the casino checks it.
const GAME_BETS: Record<string, object> = {
  'coin-flip': strict(['side'], { side: { type: 'string', enum: ['heads', 'tails'] } }),
  dice: {
    ...strict(['target', 'direction'], {
      target: { type: 'number', description: 'At most 2 decimals.' },
      direction: { type: 'string', enum: ['over', 'under'] },
    }),
    description:
      'A win chance of 1% to 98%: over needs a target from 2.00 to 98.99, under from 1.01 to 98.00.',
    anyOf: [
      { properties: { direction: { const: 'over' }, target: { minimum: 2, maximum: 98.99 } } },
      { properties: { direction: { const: 'under' }, target: { minimum: 1.01, maximum: 98 } } },
    ],
  },
  roulette: {
    oneOf: [
      strict(['type', 'numbers'], {
        type: { const: 'straight' },
        numbers: { type: 'array', items: pocket, minItems: 1, maxItems: 1 },
      }),
      ...Object.entries(ROULETTE_NUMBER_SETS).map(([type, sets]) =>
        strict(['type', 'numbers'], { type: { const: type }, numbers: coveredNumbers(sets) }),
      ),
      strict(['type'], { type: { const: 'first_four' } }),
      strict(['type', 'dozen'], { type: { const: 'dozen' }, dozen: { type: 'integer', enum: [1, 2, 3] } }),
      strict(['type', 'column'], { type: { const: 'column' }, column: { type: 'integer', enum: [1, 2, 3] } }),
      strict(['type'], { type: { type: 'string', enum: ['red', 'black', 'odd', 'even', 'low', 'high'] } }),
    ],
  },
  slots: strict(['lines'], { lines: { type: 'integer', minimum: 1, maximum: 5 } }),
  blackjack: { type: 'object', additionalProperties: false, description: 'No parameters: {}.' },
  baccarat: strict(['on'], { on: { type: 'string', enum: ['player', 'banker', 'tie'] } }),
  keno: strict(['picks'], {
    picks: {
      type: 'array',
      items: { type: 'integer', minimum: 1, maximum: 80 },
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
    },
  }),
  plinko: strict(['rows', 'risk'], {
    rows: { type: 'integer', enum: [8, 12, 16] },
    risk: { type: 'string', enum: ['low', 'medium', 'high'] },
  }),
  crash: strict(['cash_out'], {
    cash_out: { type: 'number', minimum: 1.01, maximum: 1000, description: 'At most 2 decimals.' },
  }),
  wheel: strict(['risk', 'segments'], {
    risk: { type: 'string', enum: ['low', 'medium', 'high'] },
    segments: { type: 'integer', enum: [10, 20, 30, 40, 50] },
  }),
};

export const moneySchemas = {
  Balance: {
    type: 'object',
    additionalProperties: false,
    required: ['player_id', 'balance', 'balance_cents', 'currency'],
    properties: {
      player_id: uuid,
      balance: money('The balance, e.g. "12.50".'),
      balance_cents: { type: 'integer', minimum: 0 },
      currency: { type: 'string', const: 'GDC' },
    },
  },
  Movement: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'kind',
      'player_id',
      'amount',
      'amount_cents',
      'balance',
      'balance_cents',
      'currency',
      'created_at',
    ],
    properties: {
      id: uuid,
      kind: { type: 'string', enum: ['deposit', 'bet', 'payout', 'refund'] },
      player_id: uuid,
      amount: money('The amount moved.'),
      amount_cents: { type: 'integer' },
      balance: money('The balance after it.'),
      balance_cents: { type: 'integer', minimum: 0 },
      currency: { type: 'string', const: 'GDC' },
      round_id: uuid,
      game: { type: 'string' },
      created_at: dateTime,
    },
  },
  Transaction: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'kind', 'amount', 'amount_cents', 'balance', 'balance_cents', 'currency', 'created_at'],
    properties: {
      id: uuid,
      kind: { type: 'string', enum: ['deposit', 'bet', 'payout', 'refund'] },
      amount: money('Signed: a bet is negative.'),
      amount_cents: { type: 'integer' },
      balance: money('The balance after it.'),
      balance_cents: { type: 'integer', minimum: 0 },
      currency: { type: 'string', const: 'GDC' },
      round_id: uuid,
      game: { type: 'string' },
      refund_of: uuid,
      created_at: dateTime,
    },
  },
  TransactionPage: {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'next_cursor'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Transaction' } },
      next_cursor: { type: ['string', 'null'] },
    },
  },
  DepositRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['player_id', 'amount'],
    properties: {
      player_id: uuid,
      amount: amount(DEPOSIT_PATTERN, 0.01, 1_000_000, 'Positive, at most 2 decimals, at most 1000000.00.'),
    },
  },
  Reconciliation: {
    type: 'object',
    additionalProperties: false,
    required: ['ok', 'checked_at', 'ledger_sum_cents', 'mismatched_accounts', 'unbalanced_transactions'],
    properties: {
      ok: { type: 'boolean' },
      checked_at: dateTime,
      duration_ms: { type: 'number' },
      ledger_sum_cents: { type: 'integer' },
      transactions: { type: 'integer' },
      postings: { type: 'integer' },
      player_accounts: { type: 'integer' },
      house_balance: money("The house's balance."),
      mismatched_accounts: { type: 'array', items: { type: 'object' } },
      unbalanced_transactions: { type: 'array', items: { type: 'object' } },
    },
  },
  GameList: {
    type: 'object',
    additionalProperties: false,
    required: ['games', 'limits'],
    properties: {
      games: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name', 'kind', 'rtp', 'rules'],
          properties: {
            id: { type: 'string', enum: GAME_IDS },
            name: { type: 'string' },
            kind: { type: 'string', enum: ['instant', 'stateful'] },
            rtp: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            rules: { type: 'string' },
          },
        },
      },
      limits: {
        type: 'object',
        required: ['min_stake', 'max_stake', 'currency'],
        properties: {
          min_stake: money('Smallest stake.'),
          max_stake: money('Largest stake.'),
          currency: { type: 'string' },
        },
      },
    },
  },
  BetRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['stake', 'bet'],
    properties: {
      stake: amount(
        STAKE_PATTERN,
        0.1,
        1000,
        'e.g. "1.00": at most 2 decimals, within the table limits of GET /api/v1/casino/games ' +
          '(0.10 to 1000.00 unless the operators changed CASINO_MIN_STAKE or CASINO_MAX_STAKE).',
      ),
      bet: {
        description:
          'The bet of the game in the path, as its schema says (CoinFlipBet for coin-flip, DiceBet for ' +
          'dice, ...); the examples of the play operation hold a valid bet of every game. ' +
          'GET /api/v1/casino/games describes each.',
        anyOf: GAME_IDS.map((game) => ({ $ref: `#/components/schemas/${betSchema(game)}` })),
      },
    },
  },
  Round: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'game',
      'status',
      'stake',
      'total_staked',
      'currency',
      'bet',
      'fairness',
      'created_at',
      'settled_at',
    ],
    properties: {
      id: uuid,
      game: { type: 'string', enum: GAME_IDS },
      status: { type: 'string', enum: ['pending', 'open', 'settling', 'settled', 'void'] },
      stake: money('The initial stake.'),
      total_staked: money('Stakes including a blackjack double.'),
      currency: { type: 'string', const: 'GDC' },
      bet: {},
      multiplier: { type: 'number', minimum: 0 },
      payout: money('What was paid back (0.00 on a loss).'),
      outcome: { type: 'string', enum: ['win', 'lose', 'push'] },
      result: { description: 'What happened: the roll, cards, drawn numbers, path...' },
      jackpot_win: money('The progressive jackpot won on this round.'),
      hand: { description: 'Blackjack while open: your cards, the dealer up card.' },
      actions: { type: 'array', items: { type: 'string', enum: ['hit', 'stand', 'double'] } },
      player_actions: { type: 'array', items: { type: 'string', enum: ['hit', 'stand', 'double'] } },
      void_reason: { type: 'string' },
      balance: money('Your balance after this round (when just played).'),
      fairness,
      created_at: dateTime,
      settled_at: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  RoundPage: {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'next_cursor'],
    properties: {
      items: { type: 'array', items: { $ref: '#/components/schemas/Round' } },
      next_cursor: { type: ['string', 'null'] },
    },
  },
  ActionRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['action'],
    properties: { action: { type: 'string', enum: ['hit', 'stand', 'double'] } },
  },
  Verification: {
    type: 'object',
    additionalProperties: false,
    required: ['round_id', 'verified', 'commitment_matches', 'recorded', 'recomputed', 'fairness'],
    properties: {
      round_id: uuid,
      verified: { type: 'boolean' },
      commitment_matches: { type: 'boolean' },
      recorded: { type: 'object' },
      recomputed: { type: 'object' },
      fairness,
    },
  },
  SeedPair: {
    type: 'object',
    additionalProperties: false,
    required: ['server_seed_hash', 'client_seed', 'next_nonce'],
    properties: {
      server_seed_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      client_seed: { type: 'string' },
      next_nonce: { type: 'integer', minimum: 0 },
    },
  },
  RotateRequest: {
    type: 'object',
    additionalProperties: false,
    properties: { client_seed: clientSeed },
  },
  Rotation: {
    type: 'object',
    additionalProperties: false,
    required: ['previous', 'current'],
    properties: {
      previous: {
        type: 'object',
        required: ['server_seed', 'server_seed_hash', 'client_seed', 'rounds_played', 'revealed_at'],
        properties: {
          server_seed: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          server_seed_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          client_seed: { type: 'string' },
          rounds_played: { type: 'integer', minimum: 0 },
          revealed_at: dateTime,
        },
      },
      current: { $ref: '#/components/schemas/SeedPair' },
    },
  },
  VerifyRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['game', 'server_seed', 'client_seed', 'nonce', 'bet'],
    properties: {
      game: { type: 'string', enum: GAME_IDS },
      server_seed: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      server_seed_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      client_seed: clientSeed,
      nonce: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
      bet: { type: 'object', description: 'The bet of `game`, as its schema says (e.g. CoinFlipBet).' },
      actions: { type: 'array', maxItems: 32, items: { type: 'string', enum: ['hit', 'stand', 'double'] } },
    },
    // The bet schema of the game named applies to the bet.
    allOf: GAME_IDS.map((game) => ({
      if: { properties: { game: { const: game } }, required: ['game'] },
      then: { properties: { bet: { $ref: `#/components/schemas/${betSchema(game)}` } } },
    })),
  },
  VerifyResult: {
    type: 'object',
    additionalProperties: false,
    required: ['game', 'commitment_matches', 'multiplier', 'result'],
    properties: {
      game: { type: 'string', enum: GAME_IDS },
      commitment_matches: { type: 'boolean' },
      multiplier: { type: 'number', minimum: 0 },
      result: {},
    },
  },
  Jackpot: {
    type: 'object',
    additionalProperties: false,
    required: ['game', 'pool', 'seed', 'wins', 'last_won_at', 'currency'],
    properties: {
      game: { type: 'string', const: 'slots' },
      pool: money('The pool a jackpot would win now.'),
      seed: money('What the pool restarts from.'),
      wins: { type: 'integer', minimum: 0 },
      last_won_at: { type: ['string', 'null'], format: 'date-time' },
      currency: { type: 'string', const: 'GDC' },
    },
  },
  ...Object.fromEntries(GAME_IDS.map((game) => [betSchema(game), GAME_BETS[game]] as const)),
};
