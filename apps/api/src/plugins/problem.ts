import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import fp from 'fastify-plugin'

/** Errors that know how to present themselves as RFC 9457 problem details (domain errors in @crosstrust/core do). */
export interface ProblemLike {
  status: number
  code: string
  title: string
  detail?: string
  extensions?: Record<string, unknown>
  issues?: { path: string; message: string }[]
}

function isProblemLike(err: unknown): err is ProblemLike {
  if (typeof err !== 'object' || err === null) return false
  const e = err as Record<string, unknown>
  return typeof e.status === 'number' && typeof e.code === 'string' && typeof e.title === 'string'
}

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
          type: 'https://crosstrust.dev/problems/validation',
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
      if (isProblemLike(err)) {
        return sendProblem(reply, request, {
          type: `https://crosstrust.dev/problems/${err.code}`,
          title: err.title,
          status: err.status,
          code: err.code,
          ...(err.detail === undefined ? {} : { detail: err.detail }),
          ...err.extensions,
          // Validation errors from services name each bad field, like schema validation errors do.
          ...(Array.isArray(err.issues) && err.issues.length > 0 ? { errors: err.issues } : {}),
        })
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
