import { defineConfig } from 'vitest/config'

// The security suite (`pnpm test:security`): test/security only, which the default run excludes. Same
// global setup (simulator CA, template database) as the main run.
export default defineConfig({
  test: {
    include: ['test/security/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
