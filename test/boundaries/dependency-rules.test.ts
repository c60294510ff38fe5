// The dependency rules of .dependency-cruiser.mjs (the `dependency rules` gate of `pnpm check`) fail on a
// violation: run over a fixture that breaks them on purpose, dependency-cruiser exits non-zero and names each
// rule; over a part of the fixture that breaks none, it passes.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const fixture = path.join(import.meta.dirname, 'fixture')

function cruise(...targets: string[]) {
  const result = spawnSync(
    path.join(root, 'node_modules/.bin/depcruise'),
    [...targets, '--config', path.join(root, '.dependency-cruiser.mjs'), '--output-type', 'err'],
    { cwd: fixture, encoding: 'utf8' },
  )
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('dependency rules', () => {
  it('fail on a route that imports the database, an impure core, a relative import across packages and a cycle', () => {
    const { status, output } = cruise('apps', 'packages')
    expect(status).not.toBe(0)
    expect(output).toContain(
      'error api-routes-call-services: apps/api/src/routes/leak.ts → packages/db/src/index.ts',
    )
    expect(output).toContain('error core-does-no-io-builtins: packages/core/src/impure.ts → fs')
    expect(output).toMatch(/error core-does-no-io: packages\/core\/src\/impure\.ts → \S*node_modules\/pg\//)
    expect(output).toContain(
      'error package-core-dependencies: packages/core/src/impure.ts → packages/services/src/a.ts',
    )
    expect(output).toContain(
      'error workspace-packages-by-name: packages/core/src/impure.ts → packages/services/src/a.ts',
    )
    expect(output).toContain(
      'error workspace-packages-by-name: apps/api/src/routes/leak.ts → packages/db/src/index.ts',
    )
    expect(output).toMatch(
      /error no-circular: packages\/services\/src\/a\.ts → \s*packages\/services\/src\/b\.ts →\s*packages\/services\/src\/a\.ts/,
    )
    expect(output).toContain('x 7 dependency violations (7 errors, 0 warnings)')
  })

  it('pass on code that breaks none of them', () => {
    const { status, output } = cruise('packages/db')
    expect(output).toContain('no dependency violations found')
    expect(status).toBe(0)
  })
})
