import { simulatorTrustBundle } from '@crosstrust/ms-sim'
import { createTemplateDatabase, dropTemplateDatabase } from '@crosstrust/testkit'

// Runs once per vitest run, before any test file. Steps are added by the packages that need them.
// The returned function is vitest's teardown.
export default async function setup(): Promise<() => Promise<void>> {
  // ms-sim: forked test workers inherit this env and so trust the simulator's HTTPS (read at process start);
  // any CA file already in NODE_EXTRA_CA_CERTS stays trusted (bundled with the simulator CA).
  process.env.NODE_EXTRA_CA_CERTS = await simulatorTrustBundle()

  // db: one migrated template database per run; test files clone it (createTestDatabase). Its name is
  // published in CROSSTRUST_TEST_TEMPLATE_DB for the forked workers; teardown drops it and any clones.
  const templateDb = await createTemplateDatabase()

  return async () => {
    await dropTemplateDatabase(templateDb)
  }
}
