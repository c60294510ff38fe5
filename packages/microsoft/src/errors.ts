// Our own error types for everything that goes wrong talking to Microsoft. Callers (onboarding, monitoring)
// branch on `kind` and never see MSAL or Graph SDK error classes. Messages never contain tokens or secrets.

export type MicrosoftErrorKind =
  | 'transient'
  | 'throttled'
  | 'access_lost'
  | 'not_found'
  | 'conflict'
  | 'bad_request'
  | 'licence'
  | 'configuration'
  | 'unknown_tenant'

/** What Microsoft said, kept verbatim for staff and logs. */
export interface MicrosoftErrorDetails {
  /** HTTP status, when a response was received. */
  status?: number
  /** Graph `error.code` or OAuth `error` (e.g. `Authorization_RequestDenied`, `invalid_client`). */
  code?: string
  /** AADSTS numeric codes from a token/discovery error (e.g. [7000229]). */
  aadstsCodes?: number[]
  /** Graph `request-id` or the identity platform's `trace_id`. */
  requestId?: string
  /** `client-request-id` / `correlation_id`. */
  clientRequestId?: string
  /** Microsoft's own message (Graph `error.message` or `error_description`); never branched on. */
  microsoftMessage?: string
  cause?: unknown
}

export abstract class MicrosoftError extends Error {
  abstract readonly kind: MicrosoftErrorKind
  /** Whether trying the same call again later can succeed without anyone changing anything. */
  abstract readonly retryable: boolean
  readonly status: number | undefined
  readonly code: string | undefined
  readonly aadstsCodes: number[]
  readonly requestId: string | undefined
  readonly clientRequestId: string | undefined
  readonly microsoftMessage: string | undefined

  constructor(message: string, details: MicrosoftErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = new.target.name
    this.status = details.status
    this.code = details.code
    this.aadstsCodes = details.aadstsCodes ?? []
    this.requestId = details.requestId
    this.clientRequestId = details.clientRequestId
    this.microsoftMessage = details.microsoftMessage
  }

  /** Safe, structured fields for a log line (no tokens, no secrets). */
  toLog(): Record<string, unknown> {
    return {
      kind: this.kind,
      status: this.status,
      code: this.code,
      aadstsCodes: this.aadstsCodes.length > 0 ? this.aadstsCodes : undefined,
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      message: this.message,
    }
  }
}

/**
 * The base of a failure class that only says which kind of failure it is: whether a retry can help follows
 * from the kind, so the classes below differ in nothing else.
 */
function failureOfKind<K extends MicrosoftErrorKind>(kind: K, retryable: boolean) {
  return class extends MicrosoftError {
    readonly kind = kind
    readonly retryable = retryable
  }
}

/** A failure that trying again later can get past; Microsoft may have said how long to wait. */
function retryLaterOfKind<K extends 'transient' | 'throttled'>(kind: K) {
  return class extends failureOfKind(kind, true) {
    /** The wait Microsoft asked for (Retry-After), if it said so. */
    readonly retryAfterMs: number | undefined
    constructor(message: string, details: MicrosoftErrorDetails & { retryAfterMs?: number } = {}) {
      super(message, details)
      this.retryAfterMs = details.retryAfterMs
    }
  }
}

/** 5xx, timeouts, connection resets, or an unreadable response: try again later. */
export class TransientError extends retryLaterOfKind('transient') {}

/** 429 still being returned when the retry budget ran out. */
export class ThrottledError extends retryLaterOfKind('throttled') {}

export type AccessLostReason =
  /** Token endpoint: the app has no service principal / consent in the tenant (700016, 7000229, 65001). */
  | 'not_consented'
  /** The token was issued but lacks the Graph app roles we need. */
  | 'missing_roles'
  /** Token endpoint refused for another tenant-side reason (app disabled, tenant gone, ...). */
  | 'token_rejected'
  /** Graph 401. */
  | 'unauthorized'
  /** Graph 403 (Authorization_RequestDenied and friends). */
  | 'forbidden'
  /** The token's `tid` is not the tenant we asked for. */
  | 'tenant_mismatch'

/**
 * The customer tenant no longer lets us in (or has not yet, during consent replication).
 * `consentPending` is true for the signals Microsoft also gives for a few seconds to minutes right after
 * admin consent (AADSTS700016 / 7000229 / 65001, token without roles): onboarding retries those within its
 * replication window; monitoring treats them as access lost.
 */
export class AccessLostError extends failureOfKind('access_lost', false) {
  readonly reason: AccessLostReason
  readonly consentPending: boolean
  /** For `missing_roles`: which required roles the token lacked. */
  readonly missingRoles: string[]
  constructor(
    message: string,
    details: MicrosoftErrorDetails & {
      reason: AccessLostReason
      consentPending?: boolean
      missingRoles?: string[]
    },
  ) {
    super(message, details)
    this.reason = details.reason
    this.consentPending = details.consentPending ?? false
    this.missingRoles = details.missingRoles ?? []
  }
  override toLog(): Record<string, unknown> {
    return { ...super.toLog(), reason: this.reason, consentPending: this.consentPending }
  }
}

/** 404. */
export class NotFoundError extends failureOfKind('not_found', false) {}

/** 409, e.g. Request_MultipleObjectsWithSameKeyValue when the partner entry already exists. */
export class ConflictError extends failureOfKind('conflict', false) {}

/** 400 (and other 4xx we do not know): Graph rejected the request; `code` and `microsoftMessage` say why. */
export class BadRequestError extends failureOfKind('bad_request', false) {}

/**
 * The tenant lacks a licence for what we asked (e.g. inbound trust needs Entra ID P1). Microsoft's exact
 * response is UNCONFIRMED, so this is recognised loosely and the Graph code/message are kept verbatim.
 */
export class LicenceError extends failureOfKind('licence', false) {}

/** Our own setup is wrong (bad client secret/certificate, bad scope, bad authority): no tenant can work. */
export class ConfigurationError extends failureOfKind('configuration', false) {}

/**
 * Microsoft's endpoint (or something posing as it: a proxy, a wrong MS_GRAPH_URL / MS_LOGIN_URL) answered
 * a redirect. We never follow one: our requests carry a bearer token or a client credential, and following
 * to another host would hand it over. Graph and the token endpoint do not redirect the calls we make, so a
 * 3xx means our setup points at the wrong place. `location` is only the target's origin, for the log.
 */
export class RedirectRefusedError extends ConfigurationError {
  readonly location: string | undefined
  constructor(message: string, details: MicrosoftErrorDetails & { location?: string | undefined } = {}) {
    super(message, details)
    this.location = details.location
  }
  override toLog(): Record<string, unknown> {
    return { ...super.toLog(), location: this.location }
  }
}

/** A domain or tenant id that the identity platform does not know (AADSTS90002 invalid_tenant). */
export class UnknownTenantError extends failureOfKind('unknown_tenant', false) {}

export function isMicrosoftError(value: unknown): value is MicrosoftError {
  return value instanceof MicrosoftError
}
