import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/index.ts'

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/app',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PUBLIC_BASE_URL: 'https://crosstrust.example.com/',
  APP_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  APP_CLIENT_SECRET: 'super-secret-value',
  PARTNER_TENANT_ID: '07D2F395-F69C-43AB-88A2-B82F1151042D',
  PARTNER_NAME: 'Truesec Detect AB',
}

describe('parseConfig', () => {
  it('accepts the contract and applies defaults', () => {
    const c = parseConfig(valid)
    expect(c.MS_LOGIN_URL).toBe('https://login.microsoftonline.com')
    expect(c.MS_GRAPH_URL).toBe('https://graph.microsoft.com')
    expect(c.PUBLIC_BASE_URL).toBe('https://crosstrust.example.com')
    expect(c.PARTNER_TENANT_ID).toBe('07d2f395-f69c-43ab-88a2-b82f1151042d')
    expect(c.STAFF_TENANT_ID).toBe(c.PARTNER_TENANT_ID)
    expect(c.DEFAULT_MODE).toBe('alert')
    expect(c.CHECK_INTERVAL_SECONDS).toBe(21600)
  })

  it('names every missing or invalid variable', () => {
    const bad = {
      ...valid,
      DATABASE_URL: 'mysql://x',
      APP_CLIENT_ID: 'not-a-guid',
      MS_LOGIN_URL: 'http://127.0.0.1:1',
    }
    delete (bad as Partial<typeof bad>).REDIS_URL
    let error: unknown
    try {
      parseConfig(bad)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const text = (error as ConfigError).message
    expect(text).toContain('DATABASE_URL')
    expect(text).toContain('REDIS_URL: is required but missing')
    expect(text).toContain('APP_CLIENT_ID')
    expect(text).toContain('MS_LOGIN_URL')
    expect(text).not.toContain('PARTNER_NAME')
  })

  it('requires a credential: a secret or a certificate path', () => {
    const { APP_CLIENT_SECRET: _, ...noCredential } = valid
    expect(() => parseConfig(noCredential)).toThrow(/APP_CLIENT_SECRET or APP_CLIENT_CERTIFICATE_PATH/)
    expect(
      parseConfig({ ...noCredential, APP_CLIENT_CERTIFICATE_PATH: '/etc/cert.pem' })
        .APP_CLIENT_CERTIFICATE_PATH,
    ).toBe('/etc/cert.pem')
  })

  it('never echoes a secret value in its message', () => {
    try {
      parseConfig({ ...valid, SESSION_SECRET: 'short-secret-value' })
    } catch (e) {
      expect((e as Error).message).toContain('SESSION_SECRET')
      expect((e as Error).message).not.toContain('short-secret-value')
    }
    expect.assertions(2)
  })
})

describe('process entry points', () => {
  it('exit non-zero with a message naming each bad variable', () => {
    const entry = fileURLToPath(new URL('../../../apps/api/src/server.ts', import.meta.url))
    const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
      env: { PATH: process.env.PATH, REDIS_URL: 'nope' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(result.status).toBe(78)
    expect(result.stderr).toContain('DATABASE_URL: is required but missing')
    expect(result.stderr).toContain('REDIS_URL')
    expect(result.stderr).toContain('APP_CLIENT_ID')
  })
})
