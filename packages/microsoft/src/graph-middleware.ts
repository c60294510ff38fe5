// Our Graph client middleware chain: auth (token of one customer tenant) → retry → fetch. We do not use
// the SDK's AuthenticationHandler because it silently drops the Authorization header for hosts it does
// not recognise (anything but *.graph.microsoft.com unless customHosts is exactly right), nor its
// RetryHandler, which has no total time budget and cannot tell us what happened.
import { withConnectionPool, type ConnectionPool } from './connection-pool.ts'
import type { Context, Middleware } from '@microsoft/microsoft-graph-client'
import { backoffDelay, sleepAtLeast } from './backoff.ts'
import { TransientError } from './errors.ts'
import type { MicrosoftLogger } from './logger.ts'
import { parseRetryAfter } from './retry-after.ts'

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
    private readonly random: () => number = Math.random,
  ) {
    super()
  }

  async execute(context: Context): Promise<void> {
    const started = Date.now()
    for (let attempt = 1; ; attempt += 1) {
      this.trace.attempts = attempt
      if (attempt > 1) setRequestHeader(context, 'Retry-Attempt', String(attempt - 1))
      let failure: unknown
      context.response = undefined
      try {
        await this.nextOrFail().execute(context)
      } catch (error) {
        failure = error
      }
      const response = context.response as Response | undefined
      if (failure === undefined && (response === undefined || !RETRY_STATUSES.has(response.status))) return

      const retryAfterMs = parseRetryAfter(response?.headers.get('retry-after'))
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
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // fetch rejects an aborted or timed-out request with a DOMException, told apart only by its `name`.
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'request timed out'
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
    // The SDK types `request` with the DOM's RequestInfo; at runtime it is a URL string or a Request.
    const input: unknown = context.request
    if (typeof input !== 'string' && !(input instanceof Request))
      throw new TypeError('unsupported Graph request')
    const response = await fetch(
      input,
      withConnectionPool({ ...context.options, signal: AbortSignal.timeout(this.timeoutMs) }, this.pool),
    )
    context.response = response
    this.trace.status = response.status
    this.trace.requestId = response.headers.get('request-id') ?? undefined
  }
}
