// Microsoft's two error shapes: the identity platform's OAuth error body (AADSTS codes) and Graph's
// `{ error: { code, message, innerError } }` envelope.
import { randomUUID } from 'node:crypto'

export interface AadError {
  status: number
  body: {
    error: string
    error_description: string
    error_codes: number[]
    timestamp: string
    trace_id: string
    correlation_id: string
    error_uri: string
    suberror?: string
  }
}

/** `2026-01-02 03:04:05Z` as in AADSTS messages. */
export function aadTimestamp(d = new Date()): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}

export function aadError(
  status: number,
  error: string,
  code: number,
  message: string,
  correlationId: string | undefined,
  suberror?: string,
): AadError {
  const traceId = randomUUID()
  const correlation = correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : randomUUID()
  const timestamp = aadTimestamp()
  const body: AadError['body'] = {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  }
  if (suberror) body.suberror = suberror
  return { status, body }
}

/** Graph error timestamps have no fractional seconds or zone: `2026-01-02T03:04:05`. */
export function graphDate(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, '')
}

export function graphErrorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): object {
  return {
    error: {
      code,
      message,
      innerError: { date: graphDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  }
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
