// TRUST_PROXY decides whose word about the client address we take. Every accepted form must be one that
// Fastify's `trustProxy` understands, and `true` (trust every hop) must be refused with a message that
// explains what to set instead.
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

function problems(trustProxy: string): string {
  try {
    parseConfig({ ...valid, TRUST_PROXY: trustProxy })
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error(`TRUST_PROXY=${trustProxy} was accepted`)
}

describe('TRUST_PROXY', () => {
  it('trusts nobody by default', () => {
    expect(parseConfig(valid).TRUST_PROXY).toBe(false)
    expect(parseConfig({ ...valid, TRUST_PROXY: '' }).TRUST_PROXY).toBe(false)
    expect(parseConfig({ ...valid, TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false)
    expect(parseConfig({ ...valid, TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false)
  })

  it('takes a hop count', () => {
    expect(parseConfig({ ...valid, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1)
    expect(parseConfig({ ...valid, TRUST_PROXY: ' 2 ' }).TRUST_PROXY).toBe(2)
  })

  it('takes a comma-separated list of addresses, CIDRs and proxy-addr range names', () => {
    expect(
      parseConfig({ ...valid, TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,fd00::/8,::1,loopback' }).TRUST_PROXY,
    ).toEqual(['10.0.0.0/8', '192.168.1.5', 'fd00::/8', '::1', 'loopback'])
  })

  it('refuses true, explaining the two forms to use instead', () => {
    for (const value of ['true', 'TRUE', 'True']) {
      const text = problems(value)
      expect(text).toContain('TRUST_PROXY: true would trust every hop')
      expect(text).toContain('number of proxies in front of the API (e.g. 1)')
      expect(text).toContain('comma-separated list of IPs/CIDRs (e.g. 10.0.0.0/8,192.168.1.5)')
    }
  })

  it.each([
    'yes',
    '-1',
    '17',
    '1.5',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/8/8',
    '10.0.0.1,',
    'example.com',
    '*',
  ])('refuses %j', (value) => {
    expect(problems(value)).toContain('TRUST_PROXY: ')
  })
})
