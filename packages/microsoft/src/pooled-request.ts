// One HTTP exchange with Microsoft over our keep-alive pool, with undici's `request` rather than `fetch`.
// Both send the same bytes through the same undici Agent; `fetch` adds the WHATWG machinery (a Request and
// Headers object per call, a body stream) that the benchmark's CPU profile
// showed as the largest single cost of a fleet check. We read every answer whole anyway (token responses
// and Graph JSON are small), so nothing is lost by skipping it. No Accept-Encoding is sent, so answers
// arrive uncompressed and are read as they are.
//
// Redirects are refused, not followed (fetch would follow them): every request here carries a bearer token
// or our client credential, and a redirect to another host would hand it to that host. Neither Graph nor
// the token endpoint redirects the calls we make, so a 3xx can only come from a wrong base URL or something
// in between; it becomes a RedirectRefusedError (a configuration error, not retried) naming the target's
// origin only.
import { errors, request } from 'undici'
import type { ConnectionPool } from './connection-pool.ts'
import { RedirectRefusedError } from './errors.ts'

export interface PooledRequest {
  method: string
  headers: Record<string, string>
  body?: string | Uint8Array | undefined
  /** Bounds the wait for the response headers, and then each pause while the body arrives. */
  timeoutMs: number
}

export interface PooledResponse {
  status: number
  /** Lower-case names; repeated headers joined with ", " as fetch's Headers.get would. */
  headers: Record<string, string>
  body: string
}

export async function pooledRequest(
  pool: ConnectionPool,
  url: string,
  init: PooledRequest,
): Promise<PooledResponse> {
  const response = await request(url, {
    method: init.method as 'GET',
    headers: init.headers,
    body: init.body ?? null,
    dispatcher: pool,
    headersTimeout: init.timeoutMs,
    bodyTimeout: init.timeoutMs,
    // The whole exchange, as fetch's AbortSignal.timeout bounded it: headersTimeout starts only once the
    // request is on a socket, and bodyTimeout is the gap between chunks, not a total.
    signal: AbortSignal.timeout(init.timeoutMs),
  })
  const body = await response.body.text()
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  // 304 is not a redirect (an answer to a conditional request, which we never send; it has no target).
  if (response.statusCode >= 300 && response.statusCode < 400 && response.statusCode !== 304) {
    const location = originOf(headers.location, url)
    throw new RedirectRefusedError(
      `${init.method} ${originOf(url, url) ?? 'request'} answered HTTP ${String(response.statusCode)} (redirect to ${location ?? 'nowhere'}); redirects are refused`,
      {
        status: response.statusCode,
        location,
        requestId: headers['request-id'] ?? headers['x-ms-request-id'],
      },
    )
  }
  return { status: response.statusCode, headers, body }
}

/** The origin of a (possibly relative) URL: never the path or query, which may carry anything. */
function originOf(target: string | undefined, base: string): string | undefined {
  if (target === undefined) return undefined
  try {
    return new URL(target, base).origin
  } catch {
    return 'an unparsable location'
  }
}

/** True when we gave up waiting (the whole exchange, headers or body), not a refused or reset connection. */
export function isTimeout(error: unknown): boolean {
  return (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    // AbortSignal.timeout aborts with a DOMException named TimeoutError, told apart only by its name.
    (error instanceof Error && error.name === 'TimeoutError')
  )
}
