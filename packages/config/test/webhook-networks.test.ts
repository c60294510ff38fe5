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

describe('WEBHOOK_ALLOWED_PRIVATE_NETWORKS', () => {
  it('opens no private network by default, in every NODE_ENV', () => {
    for (const NODE_ENV of ['production', 'development', 'test']) {
      expect(parseConfig({ ...valid, NODE_ENV }).WEBHOOK_ALLOWED_PRIVATE_NETWORKS).toEqual([])
    }
  })

  it('reads a comma-separated CIDR list', () => {
    const c = parseConfig({
      ...valid,
      WEBHOOK_ALLOWED_PRIVATE_NETWORKS: ' 127.0.0.1/32, 10.20.0.0/16,fd00::/8 ,',
    })
    expect(c.WEBHOOK_ALLOWED_PRIVATE_NETWORKS).toEqual(['127.0.0.1/32', '10.20.0.0/16', 'fd00::/8'])
  })

  it('refuses an entry that is not a CIDR range, naming it', () => {
    let error: unknown
    try {
      parseConfig({ ...valid, WEBHOOK_ALLOWED_PRIVATE_NETWORKS: '10.0.0.0/8,10.0.0.1,*' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      'WEBHOOK_ALLOWED_PRIVATE_NETWORKS: "10.0.0.1" is not a CIDR range (e.g. 10.20.0.0/16)',
      'WEBHOOK_ALLOWED_PRIVATE_NETWORKS: "*" is not a CIDR range (e.g. 10.20.0.0/16)',
    ])
  })
})
