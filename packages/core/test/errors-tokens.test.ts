import { describe, expect, it } from 'vitest'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
  constantTimeEqual,
  generateConsentToken,
  hashToken,
  isDomainError,
  toProblemDetails,
  tokenMatchesHash,
} from '../src/index.ts'

describe('domain errors', () => {
  it('carry a stable code, status and title', () => {
    const cases = [
      [new NotFoundError('Customer c1 not found'), 404, 'not_found', 'Not found'],
      [new ConflictError('Link already used'), 409, 'conflict', 'Conflict'],
      [new ValidationError('Bad input'), 400, 'validation_failed', 'Invalid request'],
      [new UnauthorizedError('Sign in'), 401, 'unauthorized', 'Authentication required'],
      [new ForbiddenError('Operator role required'), 403, 'forbidden', 'Forbidden'],
      [new UnprocessableError('Unknown domain'), 422, 'unprocessable', 'Unprocessable request'],
      [new RateLimitedError('Slow down', 30), 429, 'rate_limited', 'Too many requests'],
    ] as const
    for (const [error, status, code, title] of cases) {
      expect(error.status).toBe(status)
      expect(error.code).toBe(code)
      expect(error.title).toBe(title)
      expect(error).toBeInstanceOf(Error)
      expect(isDomainError(error)).toBe(true)
      expect(error.name).toBe(error.constructor.name)
    }
    expect(isDomainError(new Error('x'))).toBe(false)
  })

  it('map to RFC 9457 problem details with extensions', () => {
    const error = new UnprocessableError('The domain contoso.invalid does not exist', {
      code: 'unknown_domain',
      extensions: { domain: 'contoso.invalid' },
    })
    expect(toProblemDetails(error, '/api/v1/customers')).toEqual({
      type: 'urn:crosstrust:problem:unknown_domain',
      title: 'Unprocessable request',
      status: 422,
      detail: 'The domain contoso.invalid does not exist',
      code: 'unknown_domain',
      instance: '/api/v1/customers',
      domain: 'contoso.invalid',
    })
    const validation = toProblemDetails(
      new ValidationError('Invalid body', [{ path: 'name', message: 'Required' }]),
    )
    expect(validation.issues).toEqual([{ path: 'name', message: 'Required' }])
    expect(toProblemDetails(new RateLimitedError('Slow down', 30)).retryAfterSeconds).toBe(30)
  })

  it('do not let extensions override the standard members', () => {
    const problem = toProblemDetails(new NotFoundError('gone', { extensions: { status: 200, title: 'ok' } }))
    expect(problem.status).toBe(404)
    expect(problem.title).toBe('Not found')
  })
})

describe('consent tokens', () => {
  it('are 32 random bytes in base64url', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateConsentToken()))
    expect(tokens.size).toBe(200)
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    }
  })

  it('are stored as sha256 hex and compared in constant time', () => {
    const token = generateConsentToken()
    const stored = hashToken(token)
    expect(stored).toMatch(/^[0-9a-f]{64}$/)
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(tokenMatchesHash(token, stored)).toBe(true)
    expect(tokenMatchesHash(`${token}x`, stored)).toBe(false)
    expect(constantTimeEqual('abc', 'abc')).toBe(true)
    expect(constantTimeEqual('abc', 'abd')).toBe(false)
    expect(constantTimeEqual('abc', 'abcd')).toBe(false)
  })
})
