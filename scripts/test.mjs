// `pnpm test [vitest filters…]`: the whole test suite against the real PostgreSQL, Redis and the simulator.
// Vitest's global setup creates a fresh, migrated template database for this run and drops it afterwards.
// Ends with the plain summary line `N passed, N failed`.
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { relative } from 'node:path'
import { run } from './lib/run.mjs'

const report = '.artifacts/vitest-report.json'
/** Prefix of the lines naming a failed test; scripts/check.mjs repeats them after the last suite. */
const FAILURE_MARK = 'FAILED: '
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
const failures = []
let brokenFiles = 0
try {
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed = json.numPassedTests
  for (const file of json.testResults ?? []) {
    const name = relative(process.cwd(), file.name)
    const failedTests = file.assertionResults.filter((a) => a.status === 'failed')
    for (const test of failedTests) failures.push(`${name} › ${test.fullName}`)
    // A file that fails to load has no failed assertions but must still count as a failure.
    if (file.status === 'failed' && failedTests.length === 0) {
      brokenFiles += 1
      failures.push(`${name} (did not run: ${String(file.message ?? '').split('\n')[0]})`)
    }
  }
  failed = json.numFailedTests + brokenFiles
} catch {
  failed = 1
}
// Named again at the very end: a long log (CI keeps only its tail) still says which tests failed.
for (const failure of failures) console.log(`${FAILURE_MARK}${failure}`)
if (code !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed`)
process.exit(code === 0 && failed === 0 ? 0 : 1)
