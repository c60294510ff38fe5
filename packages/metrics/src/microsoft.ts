import {
  isMicrosoftError,
  type GraphGateway,
  type MicrosoftMetrics,
  type TokenProviderStats,
} from '@crosstrust/microsoft'
import { Counter, Histogram, type Registry } from 'prom-client'

/**
 * Token and Graph metrics for one worker process.
 * - Token cache figures are read from the provider's own `stats()` on every scrape (one source of truth,
 *   nothing to keep in step).
 * - The provider's optional `MicrosoftMetrics` hooks feed the token request latency histogram.
 * - Graph latency and errors come from a decorator around the gateway (`instrument`): one observation per
 *   logical call, retries included, labelled with the operation and, on failure, the error code.
 */
export interface MicrosoftPromMetrics {
  /** Pass as `metrics` to `createTokenProvider`. */
  adapter: MicrosoftMetrics
  /** Called on scrape; set once the token provider exists. */
  tokenStats(read: () => TokenProviderStats): void
  instrument(graph: GraphGateway): GraphGateway
}

const GRAPH_OPERATIONS = [
  'getPartner',
  'createPartner',
  'updatePartner',
  'deletePartner',
  'getDefaultPolicy',
  'getOrganization',
  'listSubscribedSkus',
  'listConditionalAccessPolicies',
  'getAuthorizationPolicy',
] as const satisfies readonly (keyof GraphGateway)[]

/** `429`, `503`, … when Microsoft answered; otherwise the error kind (`transient` for a reset, `access_lost`…). */
export function errorCode(error: unknown): string {
  if (isMicrosoftError(error)) return error.status === undefined ? error.kind : String(error.status)
  return 'internal'
}

export function microsoftMetrics(registry: Registry): MicrosoftPromMetrics {
  let readStats: (() => TokenProviderStats) | undefined
  const fromStats = (name: string, help: string, pick: (s: TokenProviderStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        if (readStats === undefined) return
        // A counter mirrored from a monotonic source: reset and set to the source's value.
        this.reset()
        this.inc(pick(readStats()))
      },
    })
  fromStats(
    'crosstrust_token_cache_hits_total',
    'App tokens served from the in-memory cache.',
    (s) => s.cacheHits,
  )
  fromStats(
    'crosstrust_token_cache_misses_total',
    'App token lookups that needed a token request (or joined one in flight).',
    (s) => s.cacheMisses,
  )
  fromStats(
    'crosstrust_token_inflight_joins_total',
    'Token lookups that joined a request already running for the same tenant.',
    (s) => s.inFlightJoins,
  )
  fromStats(
    'crosstrust_token_network_requests_total',
    'Token requests sent to the identity platform (what Microsoft saw).',
    (s) => s.networkRequests,
  )
  fromStats('crosstrust_token_failures_total', 'Token requests that failed.', (s) => s.failures)

  const tokenLatency = new Histogram({
    name: 'crosstrust_token_request_duration_seconds',
    help: 'Token request latency (identity platform round trip, MSAL included).',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [registry],
  })
  const graphLatency = new Histogram({
    name: 'crosstrust_graph_request_duration_seconds',
    help: 'Graph call latency by operation and outcome (ok or error), retries and Retry-After waits included.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  })
  const graphErrors = new Counter({
    name: 'crosstrust_graph_errors_total',
    help: 'Failed Graph calls by operation and code (HTTP status, or the error kind when no response came).',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  })

  const adapter: MicrosoftMetrics = {
    // Cache hits/misses are taken from stats() on scrape; counting them here too would double them.
    increment: () => undefined,
    observe(name, value) {
      if (name === 'microsoft_token_request_ms') tokenLatency.observe(value / 1000)
    },
  }

  function instrument(graph: GraphGateway): GraphGateway {
    const wrapped = { ...graph }
    for (const operation of GRAPH_OPERATIONS) {
      const original = (graph as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
        operation
      ]
      if (original === undefined) continue
      ;(wrapped as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
        const started = performance.now()
        try {
          const result = await original.apply(graph, args)
          graphLatency.observe({ operation, outcome: 'ok' }, (performance.now() - started) / 1000)
          return result
        } catch (error) {
          graphLatency.observe({ operation, outcome: 'error' }, (performance.now() - started) / 1000)
          graphErrors.inc({ operation, code: errorCode(error) })
          throw error
        }
      }
    }
    wrapped.readTenantState = async (tenantId, request, opts) => {
      const started = performance.now()
      const state = await graph.readTenantState(tenantId, request, opts)
      // One batched request answers several reads, each settled on its own: its errors are counted under the
      // operation each read has on its own, so an error dashboard reads the same with or without batching.
      let failed = false
      for (const [operation, item] of [
        ['getPartner', state.partner],
        ['listConditionalAccessPolicies', state.conditionalAccessPolicies],
        ['getAuthorizationPolicy', state.authorizationPolicy],
        ['listSubscribedSkus', state.licences],
        ['getDefaultPolicy', state.defaultPolicy],
      ] as const) {
        if (item === undefined || item.ok) continue
        failed = true
        graphErrors.inc({ operation, code: errorCode(item.error) })
      }
      graphLatency.observe(
        { operation: 'readTenantState', outcome: failed ? 'error' : 'ok' },
        (performance.now() - started) / 1000,
      )
      return state
    }
    return wrapped
  }

  return {
    adapter,
    tokenStats(read) {
      readStats = read
    },
    instrument,
  }
}
