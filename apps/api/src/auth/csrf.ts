// Synchronizer token bound to the session: HMAC(csrf key, session id). It cannot be computed without the
// server key, changes with every sign-in and needs no storage. Forms send it as `_csrf`, scripts as the
// `x-csrf-token` header. Bearer requests carry no ambient credentials and need no token.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const CSRF_FIELD = '_csrf'
export const CSRF_HEADER = 'x-csrf-token'

export function csrfTokenFor(key: Buffer, sessionId: string): string {
  return createHmac('sha256', key).update(`csrf:${sessionId}`).digest('base64url')
}

export function isValidCsrfToken(key: Buffer, sessionId: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 128) return false
  const expected = Buffer.from(csrfTokenFor(key, sessionId))
  const given = Buffer.from(presented)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** The token a request presents: header first (fetch), then the urlencoded form field. */
export function presentedCsrfToken(headers: Record<string, unknown>, body: unknown): unknown {
  const header = headers[CSRF_HEADER]
  if (typeof header === 'string') return header
  if (typeof body === 'object' && body !== null && CSRF_FIELD in body)
    return (body as Record<string, unknown>)[CSRF_FIELD]
  return undefined
}
