// Maps what MSAL throws for a client-credentials request to our error types. We branch on the OAuth
// `error`, the numeric AADSTS codes and the HTTP status, never on the human description (Microsoft says
// not to). MSAL 7.2.3 facts this relies on (msal-common 16.17 ResponseHandler/ThrottlingUtils):
// - ServerError: errorCode = OAuth `error`, errorNo = first of `error_codes`, status = HTTP status,
//   errorMessage = "Error(s): <codes> - Timestamp: … - Description: <error_description> - Correlation ID: …".
// - InteractionRequiredAuthError (consent_required …): errorNo likewise, errorMessage = error_description.
// - MSAL's throttle cache answers without any network call with a ServerError whose errorCode is the
//   space-joined `error_codes` and no status.
// - Network failures: errorCode `network_error`. Misconfiguration: other client-side error codes.
import {
  AccessLostError,
  ConfigurationError,
  type MicrosoftError,
  ThrottledError,
  TransientError,
} from './errors.ts'
import type { TokenResponseMeta } from './msal-network-client.ts'

/** Seen for seconds to minutes right after admin consent, and permanently when consent is gone. */
export const CONSENT_PENDING_CODES = new Set([700016, 7000229, 65001])

/** Our credential or request is wrong; no customer tenant is at fault. */
export const CONFIGURATION_CODES = new Set([
  7000215, // invalid client secret
  7000222, // client secret expired
  700027, // client assertion signature invalid / certificate not registered
  700024, // client assertion not within its valid time range
  70011, // invalid scope
  7000216, // client_assertion (or secret) missing
])

interface MsalErrorShape {
  errorCode: string
  errorMessage?: unknown
  errorNo?: unknown
  status?: unknown
  subError?: unknown
  correlationId?: unknown
  name?: unknown
}

function isMsalError(error: unknown): error is MsalErrorShape & Error {
  return error instanceof Error && typeof (error as { errorCode?: unknown }).errorCode === 'string'
}

/** All AADSTS codes we can find: error_codes as MSAL reports them, then `AADSTS\d+` as a fallback. */
export function extractAadstsCodes(error: {
  errorCode?: string
  errorNo?: unknown
  errorMessage?: unknown
}): number[] {
  const codes = new Set<number>()
  if (typeof error.errorNo === 'string' || typeof error.errorNo === 'number') {
    const n = Number(error.errorNo)
    if (Number.isInteger(n) && n > 0) codes.add(n)
  }
  // Throttle-cache errors put the codes in errorCode ("7000229 50000").
  if (error.errorCode !== undefined && /^\d+( \d+)*$/.test(error.errorCode)) {
    for (const part of error.errorCode.split(' ')) codes.add(Number(part))
  }
  const message = typeof error.errorMessage === 'string' ? error.errorMessage : ''
  const listed = /Error\(s\): ([\d,\s]+) -/.exec(message)
  if (listed?.[1] !== undefined) {
    for (const part of listed[1].split(',')) {
      const n = Number(part.trim())
      if (Number.isInteger(n) && n > 0) codes.add(n)
    }
  }
  if (codes.size === 0) {
    for (const match of message.matchAll(/AADSTS(\d+)/g)) codes.add(Number(match[1]))
  }
  return [...codes]
}

/** Microsoft's description without MSAL's "Error(s): … - Description:" wrapper. */
function descriptionOf(message: string): string {
  const m = /Description: ([\s\S]*?) - Correlation ID:/.exec(message)
  return (m?.[1] ?? message).trim()
}

export function classifyTokenError(
  error: unknown,
  tenantId: string,
  meta: TokenResponseMeta | undefined,
): MicrosoftError {
  if (meta?.refused !== undefined) return meta.refused
  if (!isMsalError(error)) {
    return new TransientError(`token request for tenant ${tenantId} failed unexpectedly`, { cause: error })
  }
  const oauthError = error.errorCode
  const codes = extractAadstsCodes(error)
  const status = typeof error.status === 'number' ? error.status : meta?.status
  const message = typeof error.errorMessage === 'string' ? error.errorMessage : ''
  const details = {
    status,
    code: oauthError === '' || /^\d/.test(oauthError) ? undefined : oauthError,
    aadstsCodes: codes,
    requestId: meta?.requestId,
    clientRequestId: typeof error.correlationId === 'string' ? error.correlationId : undefined,
    microsoftMessage: message === '' ? undefined : descriptionOf(message),
    retryAfterMs: meta?.retryAfterMs,
  }
  // MSAL's own classes, recognised by the `name` MSAL gives them (like the rest of this module, by shape):
  // classification stays a function of what was thrown, without importing msal-node here.
  const name = typeof error.name === 'string' ? error.name : ''
  const isServer = name === 'ServerError' || name === 'InteractionRequiredAuthError'

  if (oauthError === 'network_error') {
    return new TransientError(`token endpoint unreachable or timed out (tenant ${tenantId})`, details)
  }
  if (isServer && meta === undefined && status === undefined) {
    // No request left the process: MSAL's throttle cache is replaying a recent 429/5xx for this tenant.
    return new ThrottledError(
      `token requests for tenant ${tenantId} are paused after a recent throttling or outage`,
      details,
    )
  }
  if (status === 429) return new ThrottledError(`token endpoint throttled tenant ${tenantId}`, details)
  if ((status !== undefined && status >= 500) || oauthError === 'temporarily_unavailable') {
    return new TransientError(
      `token endpoint unavailable (HTTP ${status ?? '?'}) for tenant ${tenantId}`,
      details,
    )
  }
  if (!isServer) {
    // endpoints_resolution_error, authority_uri_insecure, bad certificate, … : our setup.
    return new ConfigurationError(`MSAL rejected our configuration: ${oauthError}`, details)
  }
  const consentCode = codes.find((c) => CONSENT_PENDING_CODES.has(c))
  if (consentCode !== undefined) {
    return new AccessLostError(
      `the app has no (replicated) admin consent in tenant ${tenantId} (AADSTS${consentCode})`,
      { ...details, reason: 'not_consented', consentPending: true },
    )
  }
  const configCode = codes.find((c) => CONFIGURATION_CODES.has(c))
  if (configCode !== undefined) {
    return new ConfigurationError(`our app credential or request was rejected (AADSTS${configCode})`, details)
  }
  if (oauthError === 'invalid_client' || oauthError === 'invalid_scope') {
    // Without a code saying otherwise, invalid_client means our secret/certificate is wrong.
    return new ConfigurationError(`our app credential or request was rejected (${oauthError})`, details)
  }
  if (oauthError === 'consent_required') {
    return new AccessLostError(`admin consent is missing in tenant ${tenantId}`, {
      ...details,
      reason: 'not_consented',
      consentPending: true,
    })
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new AccessLostError(
      `the token endpoint refused tenant ${tenantId} (${oauthError || 'no error code'})`,
      {
        ...details,
        reason: 'token_rejected',
      },
    )
  }
  return new TransientError(
    `token request for tenant ${tenantId} failed (${oauthError || 'unknown'})`,
    details,
  )
}
