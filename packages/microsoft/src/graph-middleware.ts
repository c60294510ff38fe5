// Our Graph client middleware chain: auth (token of one customer tenant) → retry → fetch. We do not use
// the SDK's AuthenticationHandler because it silently drops the Authorization header for hosts it does
// not recognise (anything but *.graph.microsoft.com unless customHosts is exactly right), nor its
// RetryHandler, which has no total time budget and cannot tell us what happened.
import type { ConnectionPool } from './connection-pool.ts'
import type { Context, Middleware } from '@microsoft/microsoft-graph-client'
import { backoffDelay, sleepAtLeast } from './backoff.ts'
import { isMicrosoftError, ThrottledError, TransientError } from './errors.ts'
import { isTimeout, pooledRequest } from './pooled-request.ts'
import type { MicrosoftLogger } from './logger.ts'
import { parseRetryAfter } from './retry-after.ts'
import type { TenantRetryGate } from './retry-gate.ts'

export interface RetryPolicy {
  /** Total tries including the first. */
  maxAttempts: number
  /** No retry is started that would end after this many ms from the first try. */
  budgetMs: number
  baseDelayMs: number
  maxDelayMs: number
  /** Per attempt. */
  timeoutMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  budgetMs: 30_000,
  baseDelayMs: 1_000,
  maxDelayMs: 15_000,
  timeoutMs: 20_000,
}

export const RETRY_STATUSES = new Set([429, 503, 504])

/** What happened during one logical Graph call (across retries); filled in by the middleware. */
export interface CallTrace {
  tenantId: string
  method: string
  path: string
  clientRequestId: string
  attempts: number
  /** `request-id` of the last response. */
  requestId: string | undefined
  status: number | undefined
  /** An error raised inside our middleware (the SDK would flatten it into a GraphError). */
  thrown: unknown
}

export function setRequestHeader(context: Context, name: string, value: string): void {
  if (context.request instanceof Request) {
    context.request.headers.set(name, value)
    return
  }
  context.options ??= {}
  const headers = context.options.headers
  if (headers === undefined) context.options.headers = { [name]: value }
  else if (headers instanceof Headers) headers.set(name, value)
  else if (Array.isArray(headers)) headers.push([name, value])
  else (headers as Record<string, string>)[name] = value
}

abstract class Link implements Middleware {
  protected next: Middleware | undefined
  setNext(next: Middleware): void {
    this.next = next
  }
  protected nextOrFail(): Middleware {
    if (this.next === undefined) throw new Error('middleware chain is incomplete')
    return this.next
  }
  abstract execute(context: Context): Promise<void>
}

export class BearerAuthMiddleware extends Link {
  constructor(
    private readonly accessToken: () => Promise<string>,
    private readonly trace: CallTrace,
  ) {
    super()
  }
  async execute(context: Context): Promise<void> {
    let token: string
    try {
      token = await this.accessToken()
    } catch (error) {
      this.trace.thrown = error
      throw error
    }
    setRequestHeader(context, 'Authorization', `Bearer ${token}`)
    setRequestHeader(context, 'client-request-id', this.trace.clientRequestId)
    await this.nextOrFail().execute(context)
  }
}

export class BudgetedRetryMiddleware extends Link {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly trace: CallTrace,
    private readonly logger: MicrosoftLogger,
    private readonly gate: TenantRetryGate,
    private readonly random: () => number = Math.random,
  ) {
    super()
  }

  async execute(context: Context): Promise<void> {
    const started = Date.now()
    for (let attempt = 1; ; attempt += 1) {
      await this.waitForGate(started)
      this.trace.attempts = attempt
      if (attempt > 1) setRequestHeader(context, 'Retry-Attempt', String(attempt - 1))
      let failure: unknown
      context.response = undefined
      try {
        await this.nextOrFail().execute(context)
      } catch (error) {
        failure = error
      }
      // Our own verdict that trying again cannot help (a refused redirect): to the caller as it is.
      if (isMicrosoftError(failure) && !failure.retryable) {
        this.trace.thrown = failure
        throw failure
      }
      const response = context.response as Response | undefined
      const retryAfterMs = parseRetryAfter(response?.headers.get('retry-after'))
      // Only an error answer's Retry-After is throttling; on a 2xx or 3xx it is a polling hint.
      if (retryAfterMs !== undefined && response !== undefined && response.status >= 400)
        this.gate.hold(this.trace.tenantId, retryAfterMs)
      if (failure === undefined && (response === undefined || !RETRY_STATUSES.has(response.status))) return

      const delay = retryAfterMs ?? backoffDelay(attempt, this.policy, this.random)
      const elapsed = Date.now() - started
      const why = response === undefined ? 'network error' : `HTTP ${response.status}`
      const logFields = {
        tenantId: this.trace.tenantId,
        method: this.trace.method,
        path: this.trace.path,
        attempt,
        reason: why,
        requestId: response?.headers.get('request-id') ?? undefined,
        clientRequestId: this.trace.clientRequestId,
        retryAfterMs,
      }
      // Waiting past the budget is pointless: hand the last answer to the caller now.
      if (attempt >= this.policy.maxAttempts || elapsed + delay > this.policy.budgetMs) {
        this.logger.warn({ ...logFields, elapsedMs: elapsed }, 'graph retry budget exhausted')
        if (failure !== undefined) {
          const wrapped = new TransientError(
            `${this.trace.method} ${this.trace.path}: ${describe(failure)}`,
            {
              clientRequestId: this.trace.clientRequestId,
              cause: failure,
            },
          )
          this.trace.thrown = wrapped
          throw wrapped
        }
        return
      }
      this.logger.info({ ...logFields, delayMs: delay }, 'graph request will be retried')
      await response?.body?.cancel().catch(() => undefined)
      await sleepAtLeast(delay)
    }
  }

  /**
   * Waits out a Retry-After another call to the tenant was given; when that ends past this call's budget,
   * the call fails as throttled without sending anything.
   */
  private async waitForGate(started: number): Promise<void> {
    const waitMs = this.gate.remainingMs(this.trace.tenantId)
    if (waitMs === 0) return
    if (Date.now() - started + waitMs > this.policy.budgetMs) {
      const error = new ThrottledError(
        `${this.trace.method} ${this.trace.path}: the tenant asked us to wait ${String(waitMs)} ms more`,
        { clientRequestId: this.trace.clientRequestId, retryAfterMs: waitMs },
      )
      this.trace.thrown = error
      throw error
    }
    this.logger.info(
      { tenantId: this.trace.tenantId, method: this.trace.method, path: this.trace.path, delayMs: waitMs },
      'graph request waits for the tenant to stop throttling',
    )
    await sleepAtLeast(waitMs)
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (isTimeout(error)) return 'request timed out'
    return `network error (${error.message})`
  }
  return 'network error'
}

export class FetchMiddleware extends Link {
  constructor(
    private readonly timeoutMs: number,
    private readonly trace: CallTrace,
    private readonly pool: ConnectionPool,
  ) {
    super()
  }
  async execute(context: Context): Promise<void> {
    const response = await sendOverPool(context, this.pool, this.timeoutMs)
    context.response = response
    this.trace.status = response.status
    this.trace.requestId = response.headers.get('request-id') ?? undefined
  }
}

/** Statuses whose Response must have no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * Sends the SDK's request with undici's `request` over our pool (see pooled-request.ts for why not fetch)
 * and hands the SDK the `Response` it expects back.
 */
async function sendOverPool(context: Context, pool: ConnectionPool, timeoutMs: number): Promise<Response> {
  // The SDK types `request` with the DOM's RequestInfo; at runtime it is a URL string (or a Request).
  const input: unknown = context.request
  const options = context.options ?? {}
  let url: string
  let headers: Record<string, string>
  let method = options.method ?? 'GET'
  let body: string | Uint8Array | undefined
  if (typeof input === 'string') {
    url = input
    headers = headerRecord(options.headers)
    body = requestBody(options.body)
  } else if (input instanceof Request) {
    url = input.url
    method = input.method
    headers = headerRecord(input.headers)
    body = input.body === null ? undefined : new Uint8Array(await input.arrayBuffer())
  } else {
    throw new TypeError('unsupported Graph request')
  }
  const answer = await pooledRequest(pool, url, { method, headers, body, timeoutMs })
  const bodyless = NULL_BODY_STATUSES.has(answer.status) || answer.body === ''
  return new Response(bodyless ? null : answer.body, { status: answer.status, headers: answer.headers })
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {}
  if (headers instanceof Headers) return Object.fromEntries(headers.entries())
  if (Array.isArray(headers)) return Object.fromEntries(headers as [string, string][])
  return { ...(headers as Record<string, string>) }
}

function requestBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  // The SDK serialises JSON content to a string; we send nothing else.
  throw new TypeError('unsupported Graph request body')
}
