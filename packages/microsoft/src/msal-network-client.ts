// The network module MSAL uses for token requests. We supply our own (instead of MSAL's default fetch
// client) for three reasons: every token POST gets a timeout (MSAL's default has none for POST), we count
// real network requests for stats/benchmarks, and we remember each response's status and Retry-After by
// correlation id, because MSAL's ServerError does not expose the Retry-After header and its throttle-cache
// errors carry no status at all.
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import type { ConnectionPool } from './connection-pool.ts'
import { RedirectRefusedError } from './errors.ts'
import { isTimeout, pooledRequest, type PooledResponse } from './pooled-request.ts'
import { parseRetryAfter } from './retry-after.ts'

export interface TokenResponseMeta {
  status: number
  retryAfterMs: number | undefined
  requestId: string | undefined
  /** The endpoint answered a redirect, refused (pooled-request.ts): the error to report instead of MSAL's. */
  refused?: RedirectRefusedError
}

/** Thrown to MSAL when the network fails; MSAL wraps it, we recognise it by `errorCode` network_error. */
class NetworkFailure extends Error {
  readonly errorCode = 'network_error'
}

export class MsalNetworkClient implements INetworkModule {
  /** Token endpoint requests that reached the network (including failed ones). */
  requests = 0
  readonly #timeoutMs: number
  readonly #pool: ConnectionPool
  // Small and short-lived: entries are taken right after the MSAL call that produced them.
  readonly #meta = new Map<string, TokenResponseMeta>()

  constructor(timeoutMs: number, pool: ConnectionPool) {
    this.#timeoutMs = timeoutMs
    this.#pool = pool
  }

  /** Returns and forgets what the network said for one MSAL call. */
  take(correlationId: string): TokenResponseMeta | undefined {
    const meta = this.#meta.get(correlationId)
    this.#meta.delete(correlationId)
    return meta
  }

  forget(correlationId: string): void {
    this.#meta.delete(correlationId)
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    return this.#send<T>('GET', url, options, timeout ?? this.#timeoutMs)
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    this.requests += 1
    return this.#send<T>('POST', url, options, this.#timeoutMs)
  }

  async #send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeoutMs: number,
  ): Promise<NetworkResponse<T>> {
    let response: PooledResponse
    try {
      response = await pooledRequest(this.#pool, url, {
        method,
        headers: options?.headers ?? {},
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        timeoutMs,
      })
    } catch (error) {
      if (error instanceof RedirectRefusedError) {
        // MSAL replaces whatever the network module throws with its own network error: the refusal is kept
        // here for classifyTokenError.
        if (options?.correlationId !== undefined) {
          this.#meta.set(options.correlationId, {
            status: error.status ?? 0,
            retryAfterMs: undefined,
            requestId: error.requestId,
            refused: error,
          })
        }
        throw new NetworkFailure('token endpoint answered a redirect, refused', { cause: error })
      }
      throw new NetworkFailure(`token endpoint ${isTimeout(error) ? 'timeout' : 'connection failed'}`, {
        cause: error,
      })
    }
    const { headers } = response
    if (options?.correlationId !== undefined) {
      this.#meta.set(options.correlationId, {
        status: response.status,
        retryAfterMs: parseRetryAfter(headers['retry-after']),
        requestId: headers['x-ms-request-id'],
      })
    }
    let body: unknown
    try {
      body = response.body === '' ? {} : JSON.parse(response.body)
    } catch {
      // A gateway error page instead of JSON: give MSAL an OAuth-shaped error so it throws a ServerError
      // with the status we classify as transient.
      body = { error: 'non_json_response', error_description: `HTTP ${response.status} with a non-JSON body` }
    }
    return { status: response.status, headers, body: body as T }
  }
}
