// `pnpm check`: the one quality gate, run identically by developers and CI:
// format check, lint (zero warnings), dependency rules, typecheck, schema-vs-migrations check, then the test suites
// (main, security, chaos in its bounded CI size). The last line is the test tally `N passed, N failed`;
// a failed gate counts as one failure.
import { spawn } from 'node:child_process'
import { run } from './lib/run.mjs'

/** The prefix scripts/test.mjs puts before each failed test's name. */
const FAILURE_MARK = 'FAILED: '

const gates = [
  ['format', 'pnpm', ['exec', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['lint', 'pnpm', ['exec', 'eslint', '.', '--max-warnings=0']],
  // The dependency rules (.dependency-cruiser.mjs, explained in ARCHITECTURE.md): layers and no cycles.
  ['dependency rules', 'pnpm', ['run', '--silent', 'lint:deps']],
  // One program over every package: each file is checked once (per-package runs re-check shared sources).
  ['typecheck', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.check.json']],
  ['migrations', 'pnpm', ['--filter', '@crosstrust/db', 'run', 'db:check']],
]

const suites = [
  ['tests', []],
  ['security suite', ['--config', 'vitest.security.config.ts']],
  // Restarts PostgreSQL and kills workers: runs last, alone.
  ['chaos suite', ['--config', 'vitest.chaos.config.ts']],
]

const failedGates = []
for (const [name, cmd, args] of gates) {
  console.log(`\n── ${name} ──`)
  const code = await run(cmd, args, { env: { TURBO_TELEMETRY_DISABLED: '1' } })
  if (code !== 0) failedGates.push(name)
}

/** Runs one vitest suite through scripts/test.mjs and returns its tally (its own tally line is not echoed). */
function runSuite(args) {
  return new Promise((resolve) => {
    let tally = null
    const failures = []
    const child = spawn('node', ['scripts/test.mjs', ...args], { stdio: ['inherit', 'pipe', 'inherit'] })
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString()
      const m = /^(\d+) passed, (\d+) failed\s*$/m.exec(text)
      if (m) tally = { passed: Number(m[1]), failed: Number(m[2]) }
      for (const line of text.split('\n')) if (line.startsWith(FAILURE_MARK)) failures.push(line)
      process.stdout.write(text.replace(/^\d+ passed, \d+ failed\s*$/m, ''))
    })
    child.on('exit', (code) => {
      resolve({ code: code ?? 1, tally: tally ?? { passed: 0, failed: 1 }, failures })
    })
  })
}

let passed = 0
let failed = 0
const failures = []
for (const [name, args] of suites) {
  console.log(`\n── ${name} ──`)
  const result = await runSuite(args)
  passed += result.tally.passed
  failed += result.tally.failed
  failures.push(...result.failures)
  if (result.code !== 0 && result.tally.failed === 0) failed += 1
  console.log(`${name}: ${result.tally.passed} passed, ${result.tally.failed} failed`)
}

// Repeated just above the tally: CI often keeps only the tail of a long log.
if (failures.length > 0) console.log(`\n${failures.join('\n')}`)
if (failedGates.length > 0) console.log(`\nfailed gates: ${failedGates.join(', ')}`)
console.log(`${passed} passed, ${failed + failedGates.length} failed`)
process.exit(failed === 0 && failedGates.length === 0 ? 0 : 1)
