import { describe, expect, it } from 'vitest'
import { classifyGraphError } from '../../src/classify-graph-error.ts'
import { ThrottledError } from '../../src/errors.ts'
import { accessLost } from '../support/narrow.ts'

function headers(values: Record<string, string>): Headers {
  return new Headers(values)
}

describe('classifyGraphError', () => {
  it('keeps request ids from headers', () => {
    const e = classifyGraphError(
      {
        status: 404,
        code: 'Request_ResourceNotFound',
        headers: headers({ 'request-id': 'r-1', 'client-request-id': 'c-1' }),
      },
      'GET x',
    )
    expect(e.kind).toBe('not_found')
    expect(e.requestId).toBe('r-1')
    expect(e.clientRequestId).toBe('c-1')
  })

  it('falls back to the body request id', () => {
    expect(classifyGraphError({ status: 400, bodyRequestId: 'body-r' }, 'x').requestId).toBe('body-r')
  })

  it('429 is throttled with Retry-After', () => {
    const e = classifyGraphError({ status: 429, headers: headers({ 'retry-after': '12' }) }, 'x')
    if (!(e instanceof ThrottledError)) throw new Error(`expected throttled, got ${e.kind}`)
    expect(e.kind).toBe('throttled')
    expect(e.retryAfterMs).toBe(12_000)
  })

  it.each([500, 502, 503, 504, -1])('%i is transient', (status) => {
    expect(classifyGraphError({ status }, 'x').kind).toBe('transient')
  })

  it('401 and 403 are access lost', () => {
    expect(accessLost(classifyGraphError({ status: 401 }, 'x')).reason).toBe('unauthorized')
    const denied = classifyGraphError(
      { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges' },
      'x',
    )
    expect(denied.kind).toBe('access_lost')
    expect(accessLost(denied).reason).toBe('forbidden')
    expect(denied.code).toBe('Authorization_RequestDenied')
  })

  it('409 is a conflict', () => {
    expect(
      classifyGraphError({ status: 409, code: 'Request_MultipleObjectsWithSameKeyValue' }, 'x').kind,
    ).toBe('conflict')
  })

  it('400 is a bad request with code and message verbatim', () => {
    const e = classifyGraphError(
      { status: 400, code: 'Request_BadRequest', message: "Invalid property 'b2BCollaborationInbound'" },
      'x',
    )
    expect(e.kind).toBe('bad_request')
    expect(e.code).toBe('Request_BadRequest')
    expect(e.microsoftMessage).toBe("Invalid property 'b2BCollaborationInbound'")
  })

  it('400/403 mentioning a licence is a licence error, message kept verbatim', () => {
    const a = classifyGraphError(
      {
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'This feature requires an Azure AD Premium P1 license.',
      },
      'x',
    )
    expect(a.kind).toBe('licence')
    expect(a.microsoftMessage).toBe('This feature requires an Azure AD Premium P1 license.')
    expect(classifyGraphError({ status: 400, code: 'TenantNotLicensed' }, 'x').kind).toBe('licence')
    expect(classifyGraphError({ status: 400, code: 'Request_LicenceRequired' }, 'x').kind).toBe('licence')
  })

  it('other 4xx are bad requests', () => {
    expect(classifyGraphError({ status: 405 }, 'x').kind).toBe('bad_request')
  })
})
