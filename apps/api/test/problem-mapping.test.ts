// The one mapping from domain error class to HTTP answer, and the problem+json the error plugin builds
// from it, for every DomainError subclass core exports.
import * as core from '@crosstrust/core'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { domainProblem, httpAnswerFor, isClientDomainError, problemPlugin } from '../src/plugins/problem.ts'

const extensions = { customerId: 'c1' }
const cases: [core.DomainError, number, string, string][] = [
  [new core.ValidationError('Bad input', [], { extensions }), 400, 'Invalid request', 'validation_failed'],
  [new core.UnauthorizedError('Sign in', { extensions }), 401, 'Authentication required', 'unauthorized'],
  [new core.ForbiddenError('Operator role required', { extensions }), 403, 'Forbidden', 'forbidden'],
  [new core.NotFoundError('Customer c1 not found', { extensions }), 404, 'Not found', 'not_found'],
  [new core.ConflictError('Link already used', { extensions }), 409, 'Conflict', 'conflict'],
  [
    new core.UnprocessableError('Unknown domain', { extensions }),
    422,
    'Unprocessable request',
    'unprocessable',
  ],
  [new core.RateLimitedError('Slow down', 30, { extensions }), 429, 'Too many requests', 'rate_limited'],
  [new core.NotConfiguredError('No signing key', { extensions }), 503, 'Not configured', 'not_configured'],
]

/** The problem details expected for a case: standard members, code-based type, extensions, own facts. */
function expectedProblem([error, status, title, code]: (typeof cases)[number]) {
  return {
    type: `https://crosstrust.dev/problems/${code}`,
    title,
    status,
    code,
    detail: error.detail,
    customerId: 'c1',
    ...(error instanceof core.RateLimitedError ? { retryAfterSeconds: 30 } : {}),
  }
}

/** A subclass the mapping has never heard of. */
class UnmappedError extends core.DomainError {}

/** Every class core exports that extends core.DomainError (so a new one cannot go unmapped unnoticed). */
const exportedSubclassNames = Object.values(core as Record<string, unknown>).flatMap((value) =>
  typeof value === 'function' && value.prototype instanceof core.DomainError ? [value.name] : [],
)

describe('domain error to HTTP mapping', () => {
  it('covers every DomainError subclass core exports', () => {
    expect(exportedSubclassNames.sort()).toEqual(cases.map(([e]) => e.name).sort())
  })

  it('gives each class its status and title', () => {
    for (const [error, status, title] of cases) {
      expect(httpAnswerFor(error)).toEqual({ status, title })
      // Not configured is the deployment's fault, not the caller's; it is still answered with its detail.
      expect(isClientDomainError(error)).toBe(status < 500)
    }
  })

  it('builds RFC 9457 problem details with the code, type and extensions', () => {
    for (const c of cases) expect(domainProblem(c[0])).toEqual(expectedProblem(c))
  })

  it('uses the thrower’s specific code for code and type, and names bad fields of a validation error', () => {
    const error = new core.ValidationError('Invalid body', [{ path: 'name', message: 'Required' }], {
      code: 'bad_body',
    })
    expect(domainProblem(error)).toEqual({
      type: 'https://crosstrust.dev/problems/bad_body',
      title: 'Invalid request',
      status: 400,
      code: 'bad_body',
      detail: 'Invalid body',
      errors: [{ path: 'name', message: 'Required' }],
    })
  })

  it('does not let extensions override the standard members', () => {
    const error = new core.NotFoundError('gone', {
      extensions: { status: 200, title: 'ok', code: 'x', tenant: 't' },
    })
    expect(domainProblem(error)).toEqual({
      type: 'https://crosstrust.dev/problems/not_found',
      title: 'Not found',
      status: 404,
      code: 'not_found',
      detail: 'gone',
      tenant: 't',
    })
  })

  it('answers a domain error of an unmapped class as a server fault', () => {
    const error = new UnmappedError('mystery')
    expect(httpAnswerFor(error)).toEqual({ status: 500, title: 'Internal Server Error' })
    expect(isClientDomainError(error)).toBe(false)
    expect(isClientDomainError(new Error('plain'))).toBe(false)
  })
})

describe('the error plugin', () => {
  async function answerTo(error: Error) {
    const app = Fastify({ logger: false })
    await app.register(problemPlugin)
    app.get('/fail', () => Promise.reject(error))
    const res = await app.inject({ method: 'GET', url: '/fail?x=1' })
    await app.close()
    return res
  }

  it('sends every domain error as problem+json with instance and request id', async () => {
    for (const c of cases) {
      const res = await answerTo(c[0])
      expect(res.statusCode).toBe(c[1])
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
      expect(res.json()).toEqual({ ...expectedProblem(c), instance: '/fail', requestId: 'req-1' })
    }
  })

  it('says when to come back after a rate limit', async () => {
    const res = await answerTo(new core.RateLimitedError('Slow down', 30))
    expect(res.headers['retry-after']).toBe('30')
  })

  it('withholds the detail of an unmapped domain error', async () => {
    const res = await answerTo(new UnmappedError('internal detail'))
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: '/fail',
      requestId: 'req-1',
    })
  })
})
