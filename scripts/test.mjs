// `pnpm test [vitest filters…]`: the whole test suite against the real PostgreSQL, Redis and the simulator.
// Vitest's global setup creates a fresh, migrated template database for this run and drops it afterwards.
// Ends with the plain summary line `N passed, N failed`.
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { run } from './lib/run.mjs'

const report = '.artifacts/vitest-report.json'
mkdirSync('.artifacts', { recursive: true })
rmSync(report, { force: true })

const code = await run(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  {
    env: { TURBO_TELEMETRY_DISABLED: '1' },
  },
)

let passed = 0
let failed
try {
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed = json.numPassedTests
  // A file that fails to load has no failed assertions but must still count as a failure.
  const brokenFiles = (json.testResults ?? []).filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length
  failed = json.numFailedTests + brokenFiles
} catch {
  failed = 1
}
if (code !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed`)
process.exit(code === 0 && failed === 0 ? 0 : 1)
