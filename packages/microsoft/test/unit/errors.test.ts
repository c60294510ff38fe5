import { describe, expect, it } from 'vitest'
import {
  AccessLostError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  isMicrosoftError,
  LicenceError,
  MicrosoftError,
  NotFoundError,
  ThrottledError,
  TransientError,
  UnknownTenantError,
} from '../../src/index.ts'

describe('Microsoft error classes', () => {
  it('each name one kind, and only transient and throttled failures are worth retrying', () => {
    const details = { status: 400, code: 'Some_Code', aadstsCodes: [90002], requestId: 'r1' }
    const cases = [
      [new TransientError('t', details), 'transient', true, 'TransientError'],
      [new ThrottledError('t', details), 'throttled', true, 'ThrottledError'],
      [
        new AccessLostError('t', { ...details, reason: 'forbidden' }),
        'access_lost',
        false,
        'AccessLostError',
      ],
      [new NotFoundError('t', details), 'not_found', false, 'NotFoundError'],
      [new ConflictError('t', details), 'conflict', false, 'ConflictError'],
      [new BadRequestError('t', details), 'bad_request', false, 'BadRequestError'],
      [new LicenceError('t', details), 'licence', false, 'LicenceError'],
      [new ConfigurationError('t', details), 'configuration', false, 'ConfigurationError'],
      [new UnknownTenantError('t', details), 'unknown_tenant', false, 'UnknownTenantError'],
    ] as const
    for (const [error, kind, retryable, name] of cases) {
      expect([error.kind, error.retryable, error.name]).toEqual([kind, retryable, name])
      expect(error).toBeInstanceOf(MicrosoftError)
      expect(isMicrosoftError(error)).toBe(true)
      expect([error.status, error.code, error.aadstsCodes, error.requestId]).toEqual([
        400,
        'Some_Code',
        [90002],
        'r1',
      ])
    }
    expect(isMicrosoftError(new Error('x'))).toBe(false)
  })

  it('keep the wait Microsoft asked for on the retryable ones', () => {
    expect(new ThrottledError('slow down', { retryAfterMs: 30_000 }).retryAfterMs).toBe(30_000)
    expect(new TransientError('503', { retryAfterMs: 5_000 }).retryAfterMs).toBe(5_000)
    expect(new TransientError('reset').retryAfterMs).toBe(undefined)
  })

  it('log safe fields, with the reason of a lost access', () => {
    const error = new AccessLostError('no consent', {
      reason: 'not_consented',
      consentPending: true,
      aadstsCodes: [7000229],
      status: 400,
      code: 'invalid_client',
    })
    expect(error.toLog()).toEqual({
      kind: 'access_lost',
      status: 400,
      code: 'invalid_client',
      aadstsCodes: [7000229],
      requestId: undefined,
      clientRequestId: undefined,
      message: 'no consent',
      reason: 'not_consented',
      consentPending: true,
    })
    expect(error.missingRoles).toEqual([])
  })
})
