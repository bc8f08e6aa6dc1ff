// One jest run for every workspace package. Sources are compiled by swc (fast on two cores);
// `tsc -b` has already type-checked them and emitted dist/, which tests that spawn real
// service processes run (OpenTelemetry cannot patch modules inside jest's module registry).
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // kubernetes-models (deploy/) ships ESM only: resolved with the "import" condition
  // (scripts/jest-resolver.js) and compiled to CommonJS by swc like the sources.
  transform: {
    '^.+\\.ts$': swc,
    '/node_modules/(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/.+\\.js$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
  resolver: '<rootDir>/scripts/jest-resolver.js',
  testMatch: ['<rootDir>/**/src/**/*.test.ts', '<rootDir>/**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/.gameday/'],
  moduleNameMapper: {
    '^@gameday/telemetry$': '<rootDir>/telemetry/src/index.ts',
    '^@gameday/telemetry/tracing$': '<rootDir>/telemetry/src/tracing/index.ts',
    '^@gameday/telemetry/(.*)$': '<rootDir>/telemetry/src/$1.ts',
    '^@gameday/stack/(.*)$': '<rootDir>/stack/src/$1.ts',
    '^@gameday/casino/(.*)$': '<rootDir>/apps/casino/src/$1.ts',
    '^@gameday/pokemon/(.*)$': '<rootDir>/apps/pokemon/src/$1.ts',
    '^@gameday/images/(.*)$': '<rootDir>/images/src/$1.ts',
    '^@gameday/(slo|dashboards|cli|stack|bench|testing|outbox|signals|platform|images|deploy|chaos)$':
      '<rootDir>/$1/src/index.ts',
    '^@gameday/(accounts|gateway|wallet|casino|pokemon|scheduler|events|leaderboard)$':
      '<rootDir>/apps/$1/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.gameday/'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
