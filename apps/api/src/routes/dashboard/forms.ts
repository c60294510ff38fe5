// Form plumbing for the dashboard: read urlencoded fields without trusting their shape, and turn validation
// failures into messages per field (ui/fields.tsx renders them next to their inputs).
import { ValidationError } from '@crosstrust/core'
import type { FastifyRequest } from 'fastify'
import { ZodError } from 'zod'
import { isClientDomainError } from '../../plugins/problem.ts'

export type FormBody = Record<string, string | string[] | undefined>

export function formBody(request: FastifyRequest): FormBody {
  const body = request.body
  return typeof body === 'object' && body !== null ? (body as FormBody) : {}
}

/** One text field (the first value when a name repeats), trimmed; '' when absent. */
export function field(body: FormBody, name: string): string {
  const v = body[name]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first.trim() : ''
}

/** Every value of a repeated field (checkbox groups). */
export function fields(body: FormBody, name: string): string[] {
  const v = body[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
}

export type FieldErrors = Record<string, string>

/** Field errors from a validation failure (zod or domain), keyed by the dotted path. */
export function fieldErrors(err: unknown): FieldErrors | null {
  if (err instanceof ZodError) {
    const out: FieldErrors = {}
    for (const issue of err.issues) out[issue.path.map(String).join('.')] ??= issue.message
    return out
  }
  if (err instanceof ValidationError) {
    const out: FieldErrors = {}
    for (const issue of err.issues) out[issue.path] ??= issue.message
    if (err.issues.length === 0) out[''] = err.detail
    return out
  }
  return null
}

/** A message safe to show staff for an expected failure (domain errors); null for anything else. */
export function userMessage(err: unknown): string | null {
  if (err instanceof ValidationError && err.issues.length > 0) {
    return `${err.detail} ${err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`
  }
  if (isClientDomainError(err)) return err.detail
  return null
}
