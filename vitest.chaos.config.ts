import { defineConfig } from 'vitest/config'

// `pnpm test:chaos`: the chaos suite only (the default config excludes test/chaos/**). It kills workers,
// flushes its own Redis DB index and restarts PostgreSQL, so it runs on its own, never beside other tests.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
})
