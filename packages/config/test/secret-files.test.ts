import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, resolveSecretFiles, SECRET_VARIABLES } from '../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'crosstrust-secrets-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function secretFile(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  PUBLIC_BASE_URL: 'https://crosstrust.example.com',
  APP_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  PARTNER_TENANT_ID: '07d2f395-f69c-43ab-88a2-b82f1151042d',
  PARTNER_NAME: 'Truesec Detect AB',
}

describe('secrets from files (<NAME>_FILE)', () => {
  it('reads every secret from its file and drops one trailing newline', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL_FILE: secretFile('db', 'postgresql://crosstrust:pw@db:5432/crosstrust\n'),
      APP_CLIENT_SECRET_FILE: secretFile('app', 'app-secret-from-file\n'),
      STAFF_CLIENT_ID: '22222222-3333-4444-5555-666666666666',
      STAFF_CLIENT_SECRET_FILE: secretFile('staff', 'staff-secret-from-file'),
      SESSION_SECRET_FILE: secretFile('session', `${'s'.repeat(40)}\r\n`),
      METRICS_TOKEN_FILE: secretFile('metrics', 'metrics-token-0123456789\n'),
    })
    expect(config.DATABASE_URL).toBe('postgresql://crosstrust:pw@db:5432/crosstrust')
    expect(config.APP_CLIENT_SECRET).toBe('app-secret-from-file')
    expect(config.STAFF_CLIENT_SECRET).toBe('staff-secret-from-file')
    expect(config.SESSION_SECRET).toBe('s'.repeat(40))
    expect(config.METRICS_TOKEN).toBe('metrics-token-0123456789')
  })

  it('covers every secret variable, including the connection strings', () => {
    const env = Object.fromEntries(SECRET_VARIABLES.map((n) => [`${n}_FILE`, `/secrets/${n}`]))
    const { env: resolved, problems } = resolveSecretFiles(env, (path) => `value of ${path}`)
    expect(problems).toEqual([])
    for (const name of SECRET_VARIABLES) {
      expect(resolved[name]).toBe(`value of /secrets/${name}`)
      expect(resolved[`${name}_FILE`]).toBeUndefined()
    }
    expect(SECRET_VARIABLES).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'APP_CLIENT_SECRET', 'SESSION_SECRET', 'METRICS_TOKEN']),
    )
  })

  it('refuses both forms at once, a missing file and an empty one, naming the variable only', () => {
    let error: unknown
    try {
      loadConfig({
        ...base,
        DATABASE_URL: 'postgresql://a@b/c',
        DATABASE_URL_FILE: secretFile('db2', 'postgresql://x@y/z'),
        APP_CLIENT_SECRET_FILE: join(dir, 'does-not-exist'),
        SESSION_SECRET_FILE: secretFile('empty', '\n'),
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toEqual([
      'DATABASE_URL_FILE: set either DATABASE_URL or DATABASE_URL_FILE, not both',
      `APP_CLIENT_SECRET_FILE: cannot read ${join(dir, 'does-not-exist')} (ENOENT)`,
      `SESSION_SECRET_FILE: ${join(dir, 'empty')} is empty`,
    ])
    expect(problems.join('\n')).not.toContain('x@y')
  })

  it('leaves variables without a _FILE form alone', () => {
    const { env, problems } = resolveSecretFiles({ PARTNER_NAME_FILE: '/etc/passwd', APP_CLIENT_SECRET: 'v' })
    expect(problems).toEqual([])
    expect(env).toEqual({ PARTNER_NAME_FILE: '/etc/passwd', APP_CLIENT_SECRET: 'v' })
  })
})
