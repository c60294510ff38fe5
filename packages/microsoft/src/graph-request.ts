// One Graph request against one customer tenant, the same way for every gateway method: a token for the
// tenant (refused when it lacks roles), budgeted retries honouring Retry-After, our `client-request-id`,
// classified errors, and the response parsed by the method's schema (another shape is a transient failure).
import { createConnectionPool, type ConnectionPoolOptions } from './connection-pool.ts'
import { randomUUID } from 'node:crypto'
import { Client, GraphError } from '@microsoft/microsoft-graph-client'
import { classifyGraphError } from './classify-graph-error.ts'
import { AccessLostError, isMicrosoftError, type MicrosoftError, TransientError } from './errors.ts'
import {
  BearerAuthMiddleware,
  BudgetedRetryMiddleware,
  type CallTrace,
  DEFAULT_RETRY_POLICY,
  FetchMiddleware,
  type RetryPolicy,
} from './graph-middleware.ts'
import { silentLogger, type MicrosoftLogger } from './logger.ts'
import { TenantRetryGate } from './retry-gate.ts'
import type { AppToken, TokenProvider } from './token-provider.ts'

const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
])

export interface GraphResult<T> {
  value: T
  /** Graph `request-id` of the final response (give it to Microsoft support). */
  requestId: string | undefined
  /** Ours, sent as `client-request-id` on every attempt of this call. */
  clientRequestId: string
  attempts: number
}

export interface CallOptions {
  /** `low` for background work (scheduled checks): Graph sheds it first under load. */
  priority?: 'low' | 'normal'
  /** Overrides the gateway's retry policy for this call (e.g. a shorter budget on the request path). */
  retry?: Partial<RetryPolicy>
}

/** What one gateway method asks of Graph. */
export interface GraphRequest<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** The path logged and classified (a page's `@odata.nextLink` is fetched under its first path). */
  path: string
  /** The URL fetched, when it is not `path` (an absolute `@odata.nextLink`). */
  url?: string
  body?: unknown
  select?: string[]
  /** OData `$filter` and `$top` of a list (a `@odata.nextLink` carries them already). */
  filter?: string
  top?: number
  parse: (raw: unknown) => T
  /** For reads where "absent" is an answer, not an error (GET/DELETE of a partner entry). */
  onNotFound?: () => T
  /**
   * Error statuses whose body is still the answer, parsed by `parse`: a JSON batch that fails with 424 Failed
   * Dependency because a request inside was throttled still carries every request's answer.
   */
  answerOnStatus?: readonly number[]
  /**
   * Told how many HTTP requests the call took (its retries included), whether it succeeded or failed: a
   * caller counting the requests of a reading also counts the ones whose failure it turns into a value.
   */
  onAttempts?: (attempts: number) => void
}

export interface GraphSenderOptions {
  graph: URL
  tokens: TokenProvider
  logger?: MicrosoftLogger
  retry?: Partial<RetryPolicy>
  /** The keep-alive pool of Graph requests (connection-pool.ts); defaults apply when absent. */
  connections?: ConnectionPoolOptions
  /** Shared with every other caller of the same app's requests (the batch reader); a new one when absent. */
  retryGate?: TenantRetryGate
}

export type GraphSender = <T>(
  tenantId: string,
  request: GraphRequest<T>,
  opts: CallOptions | undefined,
) => Promise<GraphResult<T>>

/**
 * The tenant's token, refused (not sent) when it lacks a required role: every call with it would fail, and the
 * token is not cached, so asking again only costs another token request.
 */
export async function usableToken(
  tokens: TokenProvider,
  tenantId: string,
  opts?: { forceRefresh?: boolean },
): Promise<AppToken> {
  const token = await tokens.getToken(tenantId, opts)
  if (token.missingRoles.length > 0) {
    throw new AccessLostError(`token for tenant ${tenantId} lacks ${token.missingRoles.join(', ')}`, {
      reason: 'missing_roles',
      consentPending: true,
      missingRoles: token.missingRoles,
    })
  }
  return token
}

export function createGraphSender(options: GraphSenderOptions): GraphSender {
  const { graph, tokens } = options
  const logger = options.logger ?? silentLogger
  const basePolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const pool = createConnectionPool(options.connections)
  const retryGate = options.retryGate ?? new TenantRetryGate()
  // The SDK only uses customHosts to decide on telemetry headers here (our auth middleware always sends
  // the token), but it must be the bare hostname: the SDK strips the port before comparing.
  const customHosts = GRAPH_HOSTS.has(graph.hostname) ? undefined : new Set([graph.hostname])

  function clientFor(tenantId: string, trace: CallTrace, opts: CallOptions | undefined): Client {
    const policy = { ...basePolicy, ...opts?.retry }
    const auth = new BearerAuthMiddleware(
      async () => (await usableToken(tokens, tenantId)).accessToken,
      trace,
    )
    const retry = new BudgetedRetryMiddleware(policy, trace, logger, retryGate)
    auth.setNext(retry)
    retry.setNext(new FetchMiddleware(policy.timeoutMs, trace, pool))
    return Client.initWithMiddleware({
      middleware: auth,
      baseUrl: `${graph.origin}/`,
      defaultVersion: 'v1.0',
      ...(customHosts === undefined ? {} : { customHosts }),
    })
  }

  function send(client: Client, request: GraphRequest<unknown>, opts: CallOptions | undefined) {
    const req = client.api(request.url ?? request.path)
    if (opts?.priority === 'low') req.header('x-ms-throttle-priority', 'low')
    if (request.select !== undefined) req.select(request.select)
    if (request.filter !== undefined) req.filter(request.filter)
    if (request.top !== undefined) req.top(request.top)
    switch (request.method) {
      case 'GET':
        return req.get() as Promise<unknown>
      case 'POST':
        return req.post(request.body) as Promise<unknown>
      case 'PATCH':
        return req.patch(request.body) as Promise<unknown>
      case 'DELETE':
        return req.delete() as Promise<unknown>
    }
  }

  return async function call<T>(
    tenantId: string,
    request: GraphRequest<T>,
    opts: CallOptions | undefined,
  ): Promise<GraphResult<T>> {
    const { method, path } = request
    const trace: CallTrace = {
      tenantId,
      method,
      path,
      clientRequestId: randomUUID(),
      attempts: 0,
      requestId: undefined,
      status: undefined,
      thrown: undefined,
    }
    const result = (value: T, requestId: string | undefined): GraphResult<T> => ({
      value,
      requestId,
      clientRequestId: trace.clientRequestId,
      attempts: trace.attempts,
    })
    const parsed = (raw: unknown): GraphResult<T> => {
      try {
        return result(request.parse(raw), trace.requestId)
      } catch (error) {
        throw new TransientError(`${method} ${path}: unexpected response shape from Graph`, {
          requestId: trace.requestId,
          clientRequestId: trace.clientRequestId,
          cause: error,
        })
      }
    }
    let raw: unknown
    try {
      raw = await send(clientFor(tenantId, trace, opts), request, opts)
    } catch (error) {
      request.onAttempts?.(trace.attempts)
      // A programming error inside our middleware (e.g. a bad tenant id) must not pass as transient.
      if (trace.thrown instanceof Error && !isMicrosoftError(trace.thrown)) throw trace.thrown
      // The SDK keeps the JSON body of a failed response that is not Graph's error shape as the error's body.
      if (error instanceof GraphError && request.answerOnStatus?.includes(error.statusCode) === true)
        return parsed(error.body as unknown)
      const classified = toMicrosoftError(error, trace)
      if (classified.kind === 'not_found' && request.onNotFound !== undefined) {
        return result(request.onNotFound(), classified.requestId ?? trace.requestId)
      }
      if (classified.kind === 'access_lost' && classified.status === 401) tokens.invalidate(tenantId)
      logger.warn(
        {
          tenantId,
          method,
          path,
          attempts: trace.attempts,
          err: classified.toLog(),
          requestId: classified.requestId ?? trace.requestId,
          clientRequestId: trace.clientRequestId,
        },
        'graph request failed',
      )
      throw classified
    }
    request.onAttempts?.(trace.attempts)
    return parsed(raw)
  }
}

function toMicrosoftError(error: unknown, trace: CallTrace): MicrosoftError {
  // Errors from our own middleware (token problems, exhausted network retries) arrive flattened into a
  // GraphError by the SDK; the trace still holds the original.
  if (isMicrosoftError(trace.thrown)) return trace.thrown
  if (isMicrosoftError(error)) return error
  const what = `${trace.method} ${trace.path}`
  if (error instanceof GraphError) {
    return classifyGraphError(
      {
        status: error.statusCode,
        code: error.code,
        message: error.message,
        headers: error.headers,
        bodyRequestId: error.requestId,
        clientRequestId: trace.clientRequestId,
        cause: error,
      },
      what,
    )
  }
  return new TransientError(`${what}: unexpected failure`, { cause: error })
}
