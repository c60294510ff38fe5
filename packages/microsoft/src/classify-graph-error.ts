// Maps a failed Graph call to our error types. We branch on HTTP status and Graph `error.code`; the only
// message inspection is the licence fallback, because what Graph returns for an unlicensed tenant is
// UNCONFIRMED (we keep code and message verbatim so staff see exactly what Microsoft said).
import {
  AccessLostError,
  BadRequestError,
  ConflictError,
  LicenceError,
  type MicrosoftError,
  NotFoundError,
  ThrottledError,
  TransientError,
} from './errors.ts'
import { parseRetryAfter } from './retry-after.ts'

/** What a failure's headers must offer: a lookup by lower-case name (fetch's Headers, or a batch answer's map). */
export interface HeaderLookup {
  get(name: string): string | null | undefined
}

export interface GraphFailure {
  /** -1 when no response was received. */
  status: number
  code?: string | null | undefined
  message?: string | undefined
  headers?: HeaderLookup | undefined
  /** Graph's innerError request-id, if the body carried one. */
  bodyRequestId?: string | null | undefined
  clientRequestId?: string | undefined
  cause?: unknown
}

const LICENCE_HINT = /licen[cs]e|premium/i

export function classifyGraphError(failure: GraphFailure, what: string): MicrosoftError {
  const code = failure.code ?? undefined
  const details = {
    status: failure.status === -1 ? undefined : failure.status,
    code,
    requestId: failure.headers?.get('request-id') ?? failure.bodyRequestId ?? undefined,
    clientRequestId: failure.headers?.get('client-request-id') ?? failure.clientRequestId,
    microsoftMessage: failure.message,
    cause: failure.cause,
    retryAfterMs: parseRetryAfter(failure.headers?.get('retry-after')),
  }
  const s = failure.status
  if (s === -1) return new TransientError(`${what}: no response from Graph`, details)
  if (s === 429) return new ThrottledError(`${what}: throttled by Graph`, details)
  if (s >= 500) return new TransientError(`${what}: Graph answered ${s}`, details)
  const mentionsLicence = LICENCE_HINT.test(code ?? '') || LICENCE_HINT.test(failure.message ?? '')
  if ((s === 400 || s === 403) && mentionsLicence) {
    return new LicenceError(`${what}: the tenant appears to lack a required licence (${code ?? s})`, details)
  }
  if (s === 401)
    return new AccessLostError(`${what}: Graph rejected our token (401)`, {
      ...details,
      reason: 'unauthorized',
    })
  if (s === 403) {
    return new AccessLostError(`${what}: Graph denied access (${code ?? '403'})`, {
      ...details,
      reason: 'forbidden',
    })
  }
  if (s === 404) return new NotFoundError(`${what}: not found`, details)
  if (s === 409) return new ConflictError(`${what}: conflict (${code ?? '409'})`, details)
  return new BadRequestError(`${what}: Graph rejected the request (${code ?? s})`, details)
}
