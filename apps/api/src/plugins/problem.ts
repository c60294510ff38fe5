import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotConfiguredError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from '@crosstrust/core'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import fp from 'fastify-plugin'

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  code?: string
  errors?: { path: string; message: string }[]
  [key: string]: unknown
}

/** How a class of domain error is answered over HTTP. */
export interface HttpAnswer {
  status: number
  title: string
}

type DomainErrorClass = abstract new (...args: never[]) => DomainError

/**
 * The one mapping from domain error class to HTTP status and title, for the JSON API's problem+json and the
 * dashboard's error pages alike. Matched with `instanceof`, so a subclass answers like its parent.
 */
const ANSWER_BY_CLASS: readonly (readonly [DomainErrorClass, HttpAnswer])[] = [
  [ValidationError, { status: 400, title: 'Invalid request' }],
  [UnauthorizedError, { status: 401, title: 'Authentication required' }],
  [ForbiddenError, { status: 403, title: 'Forbidden' }],
  [NotFoundError, { status: 404, title: 'Not found' }],
  [ConflictError, { status: 409, title: 'Conflict' }],
  [UnprocessableError, { status: 422, title: 'Unprocessable request' }],
  [RateLimitedError, { status: 429, title: 'Too many requests' }],
  [NotConfiguredError, { status: 503, title: 'Not configured' }],
]

/** A domain error of a class the mapping does not know is a bug of ours, not the caller's fault. */
const UNMAPPED: HttpAnswer = { status: 500, title: 'Internal Server Error' }

export function httpAnswerFor(err: DomainError): HttpAnswer {
  return ANSWER_BY_CLASS.find(([errorClass]) => err instanceof errorClass)?.[1] ?? UNMAPPED
}

/** A domain error the caller can act on (a 4xx answer): its `detail` is meant to be shown. */
export function isClientDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError && httpAnswerFor(err).status < 500
}

/** The problem `type` URI of a stable error code. */
export function problemType(code: string): string {
  return `https://crosstrust.dev/problems/${code}`
}

/** RFC 9457 body for a domain error; its extensions never override the standard members. */
export function domainProblem(err: DomainError): Problem {
  const { status, title } = httpAnswerFor(err)
  return {
    ...err.extensions,
    type: problemType(err.code),
    title,
    status,
    code: err.code,
    detail: err.detail,
    // Validation errors from services name each bad field, like schema validation errors do.
    ...(err instanceof ValidationError && err.issues.length > 0 ? { errors: err.issues } : {}),
    ...(err instanceof RateLimitedError ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
  }
}

/**
 * JSON with `<`, `>` and `&` as \u escapes: the same document for every JSON parser, but a URL echoed in
 * `instance`/`detail` (e.g. `/consent/<script>…`) never appears as raw markup in the response bytes.
 */
function htmlSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem) {
  return reply
    .status(problem.status)
    .type('application/problem+json')
    .send(htmlSafeJson({ ...problem, instance: request.url.split('?')[0], requestId: request.id }))
}

/** The one error handler: every failure leaves the API as RFC 9457 problem+json, never a stack trace. */
export const problemPlugin = fp(
  (app: FastifyInstance) => {
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, request, {
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      }),
    )

    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        return sendProblem(reply, request, {
          type: problemType('validation'),
          title: 'Invalid request',
          status: 400,
          code: 'validation_failed',
          detail: 'The request does not match the schema.',
          errors: err.validation.map((v) => ({
            path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
            message: v.message ?? 'invalid',
          })),
        })
      }
      // A domain error the mapping does not know falls through to the 500 below (logged, detail withheld).
      if (err instanceof DomainError && httpAnswerFor(err) !== UNMAPPED) {
        if (err instanceof RateLimitedError) reply.header('retry-after', String(err.retryAfterSeconds))
        return sendProblem(reply, request, domainProblem(err))
      }
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500
      if (status >= 500) request.log.error({ err }, 'unhandled error')
      return sendProblem(reply, request, {
        type: 'about:blank',
        title: status >= 500 ? 'Internal Server Error' : err.code,
        status,
        // Client errors from Fastify itself (bad JSON, body too large, rate limit) carry safe messages.
        ...(status < 500 ? { detail: err.message } : {}),
      })
    })
  },
  { name: 'problem' },
)
