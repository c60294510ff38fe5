import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, redactUrl, withContext } from '../src/index.ts'

function capture() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString())
      cb()
    },
  })
  return { lines, destination }
}

const SECRET = 'Sup3r-S3cret-Value~xyz'

describe('logger redaction', () => {
  it('never writes secrets, tokens, consent tokens, authorization or cookie headers', () => {
    const { lines, destination } = capture()
    const log = createLogger({ name: 'test', destination, level: 'trace' })
    log.info({ clientSecret: SECRET, config: { APP_CLIENT_SECRET: SECRET } }, 'config loaded')
    log.info({ accessToken: SECRET, token: SECRET, consentToken: SECRET, state: SECRET }, 'tokens')
    log.info({ headers: { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}` } }, 'headers')
    log.info({ req: { method: 'GET', url: `/consent/${SECRET}` } }, 'request')
    log.info({ req: { method: 'GET', url: `/consent/callback?state=${SECRET}&tenant=abc` } }, 'callback')
    log.info({ msal: { access_token: SECRET, client_secret: SECRET } }, 'nested')
    const out = lines.join('\n')
    expect(lines).toHaveLength(6)
    expect(out).not.toContain(SECRET)
    expect(out).toContain('[Redacted]')
    expect(out).toContain('tenant=abc')
  })

  it('carries request, job and customer ids in context', () => {
    const { lines, destination } = capture()
    const log = withContext(createLogger({ name: 'worker', destination }), {
      requestId: 'req-1',
      jobId: 'job-1',
      customerId: 'cust-1',
    })
    log.info('step done')
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
    expect(line).toMatchObject({
      requestId: 'req-1',
      jobId: 'job-1',
      customerId: 'cust-1',
      service: 'worker',
    })
  })

  it('redacts consent tokens, attempt ids and OAuth values in URLs but keeps the route', () => {
    expect(redactUrl('/consent/abcDEF123')).toBe('/consent/[Redacted]')
    expect(redactUrl('/consent/callback?state=s&admin_consent=True')).toBe(
      '/consent/callback?state=[Redacted]&admin_consent=True',
    )
    expect(redactUrl('/consent/status/xyz')).toBe('/consent/status/[Redacted]')
    expect(redactUrl('/status/tnCbELZHCEaVkUA6?a=b')).toBe('/status/[Redacted]?a=b')
    expect(redactUrl('/status/tnCbELZHCEaVkUA6/sign-in')).toBe('/status/[Redacted]/sign-in')
    expect(redactUrl('/status/viewtoken-abc')).toBe('/status/[Redacted]')
    expect(redactUrl('/status/view')).toBe('/status/view')
    expect(redactUrl('/status/view/remove')).toBe('/status/view/remove')
    expect(redactUrl('/status/signed-in?code=c&state=s')).toBe(
      '/status/signed-in?code=[Redacted]&state=[Redacted]',
    )
    expect(redactUrl('/consent/result/1f0c/retry')).toBe('/consent/result/[Redacted]/retry')
    expect(redactUrl('https://crosstrust.example/status/tok3n')).toBe(
      'https://crosstrust.example/status/[Redacted]',
    )
    expect(redactUrl('/api/v1/customers/c1/status-link')).toBe('/api/v1/customers/c1/status-link')
    expect(redactUrl('/consent/signed-in?code=c&state=s')).toBe(
      '/consent/signed-in?code=[Redacted]&state=[Redacted]',
    )
  })
})
