import { defineConfig } from 'vitest/config'

// One test run for the whole monorepo. Tests use the real PostgreSQL and Redis on the machine;
// `test/setup/global.ts` prepares a migrated template database and the simulator's CA once per run.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/chaos/**', 'test/security/**', 'test/bench/**'],
    pool: 'forks',
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
