// One jest run covers every workspace. Sources are loaded through @swc/jest (no type check here:
// `npm run typecheck` does that), and @pushgate/* imports resolve to the workspaces' src/ so
// tests never need a prior build.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const moduleNameMapper = {
  '^@pushgate/(exposition|core|store)$': '<rootDir>/packages/$1/src',
  '^@pushgate/(gateway|worker)$': '<rootDir>/services/$1/src',
};
const common = { rootDir: __dirname, transform, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  // Per-project testTimeout is ignored by jest 30; integration suites drive real processes.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{packages,services}/*/src/**/*.test.ts',
        '<rootDir>/bench/src/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{packages,services}/*/tests/**/*.test.ts',
        '<rootDir>/tests/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
