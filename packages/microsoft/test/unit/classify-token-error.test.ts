// Errors are built with MSAL's own classes, shaped exactly as msal-common 16.17 builds them from a
// token-endpoint error body (ResponseHandler.validateTokenResponse) or from its throttle cache.
import {
  AuthError,
  ClientAuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError,
} from '@azure/msal-node'
import { describe, expect, it } from 'vitest'
import { classifyTokenError, extractAadstsCodes } from '../../src/classify-token-error.ts'
import { AccessLostError } from '../../src/errors.ts'
import { accessLost } from '../support/narrow.ts'

const TENANT = '11111111-2222-3333-4444-555555555555'

function serverError(error: string, codes: number[], description: string, status: number): ServerError {
  const message = `Error(s): ${codes.join(',')} - Timestamp: 2026-01-02 03:04:05Z - Description: ${description} - Correlation ID: c-1 - Trace ID: t-1`
  return new ServerError(
    error,
    'c-1',
    message,
    undefined,
    codes[0] === undefined ? undefined : String(codes[0]),
    status,
  )
}

const meta = (status: number, retryAfterMs?: number) => ({ status, retryAfterMs, requestId: 'req-1' })

describe('extractAadstsCodes', () => {
  it('prefers error_codes as MSAL reports them', () => {
    expect(extractAadstsCodes(serverError('invalid_client', [7000229, 50000], 'AADSTS1: x', 401))).toEqual([
      7000229, 50000,
    ])
  })
  it('reads the space-joined codes of a throttle-cache error', () => {
    expect(extractAadstsCodes({ errorCode: '700016 1234', errorMessage: '' })).toEqual([700016, 1234])
  })
  it('falls back to AADSTS numbers in the description when no codes are given', () => {
    expect(
      extractAadstsCodes({
        errorCode: 'invalid_client',
        errorMessage: 'AADSTS7000215: Invalid client secret',
      }),
    ).toEqual([7000215])
  })
})

describe('classifyTokenError', () => {
  it.each([
    ['unauthorized_client', 700016, 400],
    ['invalid_client', 7000229, 401],
    ['invalid_grant', 65001, 400],
  ])('%s AADSTS%i is access lost with consentPending (replication window)', (error, code, status) => {
    const e = classifyTokenError(serverError(error, [code], `AADSTS${code}: …`, status), TENANT, meta(status))
    expect(e).toBeInstanceOf(AccessLostError)
    expect(e.kind).toBe('access_lost')
    expect(accessLost(e).consentPending).toBe(true)
    expect(accessLost(e).reason).toBe('not_consented')
    expect(e.aadstsCodes).toContain(code)
    expect(e.status).toBe(status)
    expect(e.requestId).toBe('req-1')
  })

  it('consent_required as InteractionRequiredAuthError (AADSTS65001) is consent pending', () => {
    const raw = new InteractionRequiredAuthError(
      'consent_required',
      'c',
      'AADSTS65001: consent',
      '',
      '',
      '',
      '',
      '65001',
    )
    const e = classifyTokenError(raw, TENANT, meta(400))
    expect(e.kind).toBe('access_lost')
    expect(accessLost(e).consentPending).toBe(true)
  })

  it('a bad client secret is our configuration, not the customer', () => {
    const e = classifyTokenError(
      serverError('invalid_client', [7000215], 'AADSTS7000215: Invalid client secret provided.', 401),
      TENANT,
      meta(401),
    )
    expect(e.kind).toBe('configuration')
    expect(e.code).toBe('invalid_client')
    expect(e.microsoftMessage).toBe('AADSTS7000215: Invalid client secret provided.')
  })

  it('invalid_client without codes is configuration', () => {
    const e = classifyTokenError(
      new ServerError('invalid_client', 'c', 'no codes', undefined, undefined, 401),
      TENANT,
      meta(401),
    )
    expect(e.kind).toBe('configuration')
  })

  it('AADSTS codes are found in the description when error_codes is absent', () => {
    const raw = new ServerError(
      'unauthorized_client',
      'c',
      'Description: AADSTS700016: Application not found - Correlation ID: c',
      undefined,
      undefined,
      400,
    )
    const e = classifyTokenError(raw, TENANT, meta(400))
    expect(e.kind).toBe('access_lost')
    expect(e.aadstsCodes).toEqual([700016])
  })

  it('429 is throttled and carries Retry-After', () => {
    const e = classifyTokenError(
      serverError('temporarily_unavailable', [], 'slow down', 429),
      TENANT,
      meta(429, 5000),
    )
    expect(e.kind).toBe('throttled')
    expect((e as { retryAfterMs?: number }).retryAfterMs).toBe(5000)
  })

  it('5xx and temporarily_unavailable are transient', () => {
    expect(classifyTokenError(serverError('server_error', [], 'boom', 503), TENANT, meta(503)).kind).toBe(
      'transient',
    )
    expect(
      classifyTokenError(serverError('temporarily_unavailable', [], 'x', 400), TENANT, meta(400)).kind,
    ).toBe('transient')
  })

  it('a throttle-cache replay (no network request, no status) is throttled', () => {
    const raw = new ServerError('', 'c', 'slow down')
    expect(classifyTokenError(raw, TENANT, undefined).kind).toBe('throttled')
  })

  it('network failures are transient', () => {
    expect(classifyTokenError(new ClientAuthError('network_error', 'c'), TENANT, undefined).kind).toBe(
      'transient',
    )
    expect(
      classifyTokenError(new AuthError('network_error', '', 'Request timeout'), TENANT, undefined).kind,
    ).toBe('transient')
  })

  it('client-side MSAL configuration errors are configuration', () => {
    expect(
      classifyTokenError(new ClientConfigurationError('authority_uri_insecure', 'c'), TENANT, undefined).kind,
    ).toBe('configuration')
    expect(
      classifyTokenError(new ClientAuthError('endpoints_resolution_error', 'c'), TENANT, undefined).kind,
    ).toBe('configuration')
  })

  it('another 4xx from the tenant (e.g. app disabled there) is access lost without consentPending', () => {
    const e = classifyTokenError(
      serverError('unauthorized_client', [7000112], 'AADSTS7000112: disabled', 400),
      TENANT,
      meta(400),
    )
    expect(e.kind).toBe('access_lost')
    expect(accessLost(e).consentPending).toBe(false)
    expect(accessLost(e).reason).toBe('token_rejected')
  })

  it('a non-MSAL error becomes transient and keeps the cause', () => {
    const cause = new Error('weird')
    const e = classifyTokenError(cause, TENANT, undefined)
    expect(e.kind).toBe('transient')
    expect(e.cause).toBe(cause)
  })
})
