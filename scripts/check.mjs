// `pnpm check`: the one quality gate, run identically by developers and CI:
// format check, lint (zero warnings), typecheck, schema-vs-migrations check, then all tests.
// The last line is the test tally `N passed, N failed` (a failed gate counts as one failure).
import { run } from './lib/run.mjs'

const gates = [
  ['format', 'pnpm', ['exec', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['lint', 'pnpm', ['exec', 'eslint', '.', '--max-warnings=0']],
  // One program over every package: each file is checked once (per-package runs re-check shared sources).
  ['typecheck', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.check.json']],
  ['migrations', 'pnpm', ['--filter', '@crosstrust/db', 'run', 'db:check']],
]

const failedGates = []
for (const [name, cmd, args] of gates) {
  console.log(`\n── ${name} ──`)
  const code = await run(cmd, args, { env: { TURBO_TELEMETRY_DISABLED: '1' } })
  if (code !== 0) failedGates.push(name)
}

console.log('\n── tests ──')
let tally = '0 passed, 1 failed'
const { spawn } = await import('node:child_process')
const testCode = await new Promise((resolve) => {
  const child = spawn('node', ['scripts/test.mjs'], { stdio: ['inherit', 'pipe', 'inherit'] })
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString()
    process.stdout.write(text.replace(/^\d+ passed, \d+ failed\s*$/m, ''))
    const m = /^(\d+) passed, (\d+) failed\s*$/m.exec(text)
    if (m) tally = m[0].trim()
  })
  child.on('exit', (code) => resolve(code ?? 1))
})

const [, passed, failed] = /^(\d+) passed, (\d+) failed/.exec(tally)
if (failedGates.length > 0) console.log(`\nfailed gates: ${failedGates.join(', ')}`)
console.log(`${passed} passed, ${Number(failed) + failedGates.length} failed`)
process.exit(testCode === 0 && failedGates.length === 0 ? 0 : 1)
