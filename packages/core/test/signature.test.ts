import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SIGNATURE_HEADER, signWebhook, verifyWebhook, webhookHeaders } from '../src/index.ts'

const secret = 'whsec_test'
const body = '{"type":"crosstrust.drifted","id":"notify.c1.drifted.1"}'
const now = new Date('2026-11-27T00:00:00Z')
const ts = Math.floor(now.getTime() / 1000)

describe('webhook signatures', () => {
  it('sign t=<unix>,v1=<hmac-sha256 hex of "t.body">', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')
    expect(signWebhook(secret, ts, body)).toBe(`t=${ts},v1=${expected}`)
  })

  it('verify a fresh signature', () => {
    expect(verifyWebhook(secret, signWebhook(secret, ts, body), body, 300, now)).toEqual({
      ok: true,
      timestamp: ts,
    })
    expect(verifyWebhook(secret, signWebhook(secret, ts - 300, body), body, 300, now).ok).toBe(true)
  })

  it('reject replays outside the tolerance, in either direction', () => {
    expect(verifyWebhook(secret, signWebhook(secret, ts - 301, body), body, 300, now)).toEqual({
      ok: false,
      reason: 'outside_tolerance',
    })
    expect(verifyWebhook(secret, signWebhook(secret, ts + 301, body), body, 300, now)).toEqual({
      ok: false,
      reason: 'outside_tolerance',
    })
  })

  it('reject a tampered body, a wrong secret or a moved timestamp', () => {
    const header = signWebhook(secret, ts, body)
    expect(verifyWebhook(secret, header, `${body} `, 300, now)).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    })
    expect(verifyWebhook('other', header, body, 300, now)).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    })
    const moved = header.replace(`t=${ts}`, `t=${ts - 1}`)
    expect(verifyWebhook(secret, moved, body, 300, now)).toEqual({ ok: false, reason: 'signature_mismatch' })
  })

  it('reject malformed headers', () => {
    for (const header of [
      '',
      'garbage',
      `t=${ts}`,
      `v1=${'a'.repeat(64)}`,
      `t=abc,v1=${'a'.repeat(64)}`,
      `t=${ts},v1=short`,
      `t=${ts}=1,v1=${'a'.repeat(64)}`,
    ]) {
      expect(verifyWebhook(secret, header, body, 300, now)).toEqual({ ok: false, reason: 'malformed' })
    }
  })

  it('accept any of several v1 signatures (secret rotation)', () => {
    const fresh = signWebhook('new-secret', ts, body)
    const old = signWebhook(secret, ts, body).split(',')[1] ?? ''
    expect(verifyWebhook(secret, `${fresh},${old}`, body, 300, now).ok).toBe(true)
    expect(verifyWebhook('new-secret', `${fresh},${old}`, body, 300, now).ok).toBe(true)
  })

  it('build delivery headers that verify', () => {
    const headers = webhookHeaders(secret, now, body, {
      type: 'crosstrust.drifted',
      deliveryId: 'notify.c1.drifted.1',
    })
    expect(headers['Content-Type']).toBe('application/json')
    expect(headers['X-Crosstrust-Event']).toBe('crosstrust.drifted')
    expect(headers['X-Crosstrust-Delivery']).toBe('notify.c1.drifted.1')
    expect(verifyWebhook(secret, headers[SIGNATURE_HEADER] ?? '', body, 300, now).ok).toBe(true)
  })
})
