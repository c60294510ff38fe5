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
  tokenMatchesHash,
} from '../src/index.ts'

describe('domain errors', () => {
  it('carry a stable default code per class and their own name', () => {
    const cases = [
      [new NotFoundError('Customer c1 not found'), 'not_found', 'NotFoundError'],
      [new ConflictError('Link already used'), 'conflict', 'ConflictError'],
      [new ValidationError('Bad input'), 'validation_failed', 'ValidationError'],
      [new UnauthorizedError('Sign in'), 'unauthorized', 'UnauthorizedError'],
      [new ForbiddenError('Operator role required'), 'forbidden', 'ForbiddenError'],
      [new UnprocessableError('Unknown domain'), 'unprocessable', 'UnprocessableError'],
      [new RateLimitedError('Slow down', 30), 'rate_limited', 'RateLimitedError'],
    ] as const
    for (const [error, code, name] of cases) {
      expect(error.code).toBe(code)
      expect(error.name).toBe(name)
      expect(error.message).toBe(error.detail)
      expect(error.extensions).toEqual({})
      expect(error).toBeInstanceOf(Error)
      expect(isDomainError(error)).toBe(true)
    }
    expect(isDomainError(new Error('x'))).toBe(false)
  })

  it('keep domain facts only: no HTTP status or title', () => {
    expect(Object.keys(new NotFoundError('gone')).sort()).toEqual(['code', 'detail', 'extensions', 'name'])
  })

  it('take a specific code, extensions and a cause from the thrower', () => {
    const cause = new Error('lookup failed')
    const error = new UnprocessableError('The domain contoso.invalid does not exist', {
      code: 'unknown_domain',
      extensions: { domain: 'contoso.invalid' },
      cause,
    })
    expect(error.code).toBe('unknown_domain')
    expect(error.detail).toBe('The domain contoso.invalid does not exist')
    expect(error.extensions).toEqual({ domain: 'contoso.invalid' })
    expect(error.cause).toBe(cause)
    expect(new NotFoundError('gone').cause).toBe(undefined)
  })

  it('carry the facts particular to their class', () => {
    const validation = new ValidationError('Invalid body', [{ path: 'name', message: 'Required' }], {
      code: 'bad_body',
    })
    expect(validation.issues).toEqual([{ path: 'name', message: 'Required' }])
    expect(validation.code).toBe('bad_body')
    expect(new ValidationError('Invalid body').issues).toEqual([])
    expect(new RateLimitedError('Slow down', 30).retryAfterSeconds).toBe(30)
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
