import { describe, expect, it } from 'vitest'
import { describeProblem } from '../src/api-client.ts'
import { main } from '../src/main.ts'
import { cell, table } from '../src/output.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err }
}

describe('output', () => {
  it('aligns table columns and shows empty values as -', () => {
    expect(
      table(
        ['NAME', 'STATE'],
        [
          ['Contoso', 'onboarded'],
          ['Fabrikam Retail', null],
        ],
      ),
    ).toBe(
      'NAME             STATE\n---------------  ---------\nContoso          onboarded\nFabrikam Retail  -\n',
    )
  })

  it('strips terminal control characters from API data', () => {
    expect(cell('Evil\u001b[2J\u0007Co\nLtd')).toBe('Evil [2J Co Ltd')
  })

  it('turns problem+json into one readable line with field errors', () => {
    expect(
      describeProblem(403, {
        title: 'Forbidden',
        detail: 'Your role does not allow this.',
        code: 'insufficient_role',
        requiredRole: 'Operator',
      }),
    ).toBe('Forbidden: Your role does not allow this. (needs the Operator role) [403 insufficient_role]')
    expect(
      describeProblem(400, {
        title: 'Invalid request',
        errors: [{ path: 'body.name', message: 'required' }],
      }),
    ).toBe('Invalid request [400]\n  body.name: required')
    expect(describeProblem(502, null)).toBe('The API answered 502.')
  })
})

describe('argument handling', () => {
  it('answers usage errors with exit code 2 before touching the network', async () => {
    const env = { CROSSTRUST_URL: 'http://127.0.0.1:9', CROSSTRUST_TOKEN: 't' }
    const unknown = capture()
    expect(await main(['frobnicate'], unknown.io, env)).toBe(2)
    expect(unknown.err.join('')).toContain('Unknown command: frobnicate')
    const badOption = capture()
    expect(await main(['customers', 'show', 'x', '--nope'], badOption.io, env)).toBe(2)
    expect(badOption.err.join('')).toContain('Usage: crosstrust customers show')
    const missing = capture()
    expect(await main(['link'], missing.io, env)).toBe(2)
    expect(missing.err.join('')).toContain('Missing the customer ID')
    const noUrl = capture()
    expect(await main(['customers', 'list'], noUrl.io, { CROSSTRUST_CONFIG_DIR: '/nonexistent-ct' })).toBe(2)
    expect(noUrl.err.join('')).toContain('CROSSTRUST_URL')
    const help = capture()
    expect(await main(['--help'], help.io, env)).toBe(0)
    expect(help.out.join('')).toContain('crosstrust customers add <name>')
  })

  it('reports an unreachable API as a failure (exit 1), not a crash', async () => {
    const run = capture()
    expect(
      await main(['whoami'], run.io, { CROSSTRUST_URL: 'http://127.0.0.1:9', CROSSTRUST_TOKEN: 't' }),
    ).toBe(1)
    expect(run.err.join('')).toContain('Cannot reach http://127.0.0.1:9')
  })
})
