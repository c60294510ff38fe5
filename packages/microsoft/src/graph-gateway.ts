// Domain-shaped Graph calls against one customer tenant at a time. Every method returns the value plus
// the Graph request id (callers record it in audit/run history) and throws only our own error types.
import { randomUUID } from 'node:crypto'
import { Client, GraphError } from '@microsoft/microsoft-graph-client'
import { z } from 'zod'
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
import { type LicenceSummary, summarizeLicences } from './licences.ts'
import { silentLogger, type MicrosoftLogger } from './logger.ts'
import type { TokenProvider } from './token-provider.ts'
import { normalizeBaseUrl } from './urls.ts'

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

/** A partner entry as Graph returns it; unknown properties are kept (drift logic ignores what it does not own). */
export type GraphPartner = { tenantId: string } & Record<string, unknown>
export type GraphPartnerBody = Record<string, unknown>

export interface Organization {
  id: string
  displayName: string | null
  verifiedDomains: { name: string; isDefault: boolean; isInitial: boolean }[]
}

export interface GraphGateway {
  getPartner(
    tenantId: string,
    partnerTenantId: string,
    opts?: CallOptions,
  ): Promise<GraphResult<GraphPartner | null>>
  createPartner(
    tenantId: string,
    body: GraphPartnerBody,
    opts?: CallOptions,
  ): Promise<GraphResult<GraphPartner>>
  updatePartner(
    tenantId: string,
    partnerTenantId: string,
    body: GraphPartnerBody,
    opts?: CallOptions,
  ): Promise<GraphResult<null>>
  /** `absent` when there was nothing to delete. */
  deletePartner(
    tenantId: string,
    partnerTenantId: string,
    opts?: CallOptions,
  ): Promise<GraphResult<'deleted' | 'absent'>>
  getDefaultPolicy(tenantId: string, opts?: CallOptions): Promise<GraphResult<Record<string, unknown>>>
  getOrganization(tenantId: string, opts?: CallOptions): Promise<GraphResult<Organization>>
  listSubscribedSkus(tenantId: string, opts?: CallOptions): Promise<GraphResult<LicenceSummary>>
  /** Every Conditional Access policy (follows `@odata.nextLink`); needs Policy.Read.All. */
  listConditionalAccessPolicies(
    tenantId: string,
    opts?: CallOptions,
  ): Promise<GraphResult<Record<string, unknown>[]>>
  /** The tenant's authorization policy (`allowInvitesFrom`, …); needs Policy.Read.All. */
  getAuthorizationPolicy(tenantId: string, opts?: CallOptions): Promise<GraphResult<Record<string, unknown>>>
  /**
   * The Graph application roles the tenant's app token carries (what the customer consented to).
   * `forceRefresh` asks for a new token first (after a re-consent the cached one still has the old roles).
   */
  grantedRoles(tenantId: string, opts?: { forceRefresh?: boolean }): Promise<string[]>
}

export interface GraphGatewayOptions {
  graphUrl: string
  tokens: TokenProvider
  logger?: MicrosoftLogger
  retry?: Partial<RetryPolicy>
}

const partnerSchema = z.looseObject({ tenantId: z.string() })
const organizationsSchema = z.object({
  value: z.array(
    z.looseObject({
      id: z.string(),
      displayName: z.string().nullable().default(null),
      verifiedDomains: z
        .array(
          z.looseObject({
            name: z.string(),
            isDefault: z.boolean().nullable().default(false),
            isInitial: z.boolean().nullable().default(false),
          }),
        )
        .default([]),
    }),
  ),
})
const skusSchema = z.object({
  value: z.array(
    z.looseObject({
      skuId: z.string(),
      skuPartNumber: z.string(),
      capabilityStatus: z.string(),
      servicePlans: z
        .array(z.looseObject({ servicePlanName: z.string(), provisioningStatus: z.string().optional() }))
        .default([]),
    }),
  ),
})

const policyPageSchema = z.looseObject({
  value: z.array(z.looseObject({})),
  '@odata.nextLink': z.string().optional(),
})
/** A tenant has at most a few hundred Conditional Access policies; a link loop must end. */
const MAX_POLICY_PAGES = 50

const PARTNERS = '/policies/crossTenantAccessPolicy/partners'

export function createGraphGateway(options: GraphGatewayOptions): GraphGateway {
  const graph = normalizeBaseUrl('graphUrl', options.graphUrl)
  const logger = options.logger ?? silentLogger
  const basePolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  // The SDK only uses customHosts to decide on telemetry headers here (our auth middleware always sends
  // the token), but it must be the bare hostname: the SDK strips the port before comparing.
  const customHosts = GRAPH_HOSTS.has(graph.hostname) ? undefined : new Set([graph.hostname])

  async function call<T>(
    tenantId: string,
    method: string,
    path: string,
    opts: CallOptions | undefined,
    run: (client: Client) => Promise<unknown>,
    parse: (raw: unknown) => T,
    /** For reads where "absent" is an answer, not an error (GET/DELETE of a partner entry). */
    onNotFound?: () => T,
  ): Promise<GraphResult<T>> {
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
    const policy = { ...basePolicy, ...opts?.retry }
    const auth = new BearerAuthMiddleware(async () => {
      const token = await options.tokens.getToken(tenantId)
      if (token.missingRoles.length > 0) {
        throw new AccessLostError(`token for tenant ${tenantId} lacks ${token.missingRoles.join(', ')}`, {
          reason: 'missing_roles',
          consentPending: true,
          missingRoles: token.missingRoles,
        })
      }
      return token.accessToken
    }, trace)
    const retry = new BudgetedRetryMiddleware(policy, trace, logger)
    auth.setNext(retry)
    retry.setNext(new FetchMiddleware(policy.timeoutMs, trace))
    const client = Client.initWithMiddleware({
      middleware: auth,
      baseUrl: `${graph.origin}/`,
      defaultVersion: 'v1.0',
      ...(customHosts === undefined ? {} : { customHosts }),
    })

    let raw: unknown
    try {
      raw = await run(client)
    } catch (error) {
      // A programming error inside our middleware (e.g. a bad tenant id) must not pass as transient.
      if (trace.thrown instanceof Error && !isMicrosoftError(trace.thrown)) throw trace.thrown
      const classified = toMicrosoftError(error, trace)
      if (classified.kind === 'not_found' && onNotFound !== undefined) {
        return {
          value: onNotFound(),
          requestId: classified.requestId ?? trace.requestId,
          clientRequestId: trace.clientRequestId,
          attempts: trace.attempts,
        }
      }
      if (classified.kind === 'access_lost' && classified.status === 401) options.tokens.invalidate(tenantId)
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
    let value: T
    try {
      value = parse(raw)
    } catch (error) {
      throw new TransientError(`${method} ${path}: unexpected response shape from Graph`, {
        requestId: trace.requestId,
        clientRequestId: trace.clientRequestId,
        cause: error,
      })
    }
    return {
      value,
      requestId: trace.requestId,
      clientRequestId: trace.clientRequestId,
      attempts: trace.attempts,
    }
  }

  function request(client: Client, path: string, opts: CallOptions | undefined) {
    const req = client.api(path)
    if (opts?.priority === 'low') req.header('x-ms-throttle-priority', 'low')
    return req
  }

  return {
    getPartner(tenantId, partnerTenantId, opts) {
      const path = `${PARTNERS}/${encodeURIComponent(partnerTenantId)}`
      return call(
        tenantId,
        'GET',
        path,
        opts,
        (c) => request(c, path, opts).get(),
        (raw): GraphPartner | null => partnerSchema.parse(raw),
        () => null,
      )
    },
    createPartner(tenantId, body, opts) {
      return call(
        tenantId,
        'POST',
        PARTNERS,
        opts,
        (c) => request(c, PARTNERS, opts).post(body),
        (raw) => {
          return partnerSchema.parse(raw)
        },
      )
    },
    updatePartner(tenantId, partnerTenantId, body, opts) {
      const path = `${PARTNERS}/${encodeURIComponent(partnerTenantId)}`
      return call(
        tenantId,
        'PATCH',
        path,
        opts,
        (c) => request(c, path, opts).patch(body),
        () => null,
      )
    },
    deletePartner(tenantId, partnerTenantId, opts) {
      const path = `${PARTNERS}/${encodeURIComponent(partnerTenantId)}`
      return call(
        tenantId,
        'DELETE',
        path,
        opts,
        (c) => request(c, path, opts).delete(),
        (): 'deleted' | 'absent' => 'deleted',
        () => 'absent',
      )
    },
    getDefaultPolicy(tenantId, opts) {
      const path = '/policies/crossTenantAccessPolicy/default'
      return call(
        tenantId,
        'GET',
        path,
        opts,
        (c) => request(c, path, opts).get(),
        (raw) => {
          return z.looseObject({}).parse(raw)
        },
      )
    },
    getOrganization(tenantId, opts) {
      const path = '/organization'
      return call(
        tenantId,
        'GET',
        path,
        opts,
        (c) => request(c, path, opts).select(['id', 'displayName', 'verifiedDomains']).get(),
        (raw) => {
          const org = organizationsSchema.parse(raw).value[0]
          if (org === undefined) throw new Error('no organization in response')
          return {
            id: org.id,
            displayName: org.displayName,
            verifiedDomains: org.verifiedDomains.map((d) => ({
              name: d.name,
              isDefault: d.isDefault === true,
              isInitial: d.isInitial === true,
            })),
          }
        },
      )
    },
    async listConditionalAccessPolicies(tenantId, opts) {
      const first = '/identity/conditionalAccess/policies'
      const policies: Record<string, unknown>[] = []
      let next: string | undefined = first
      let last: GraphResult<unknown> | undefined
      let attempts = 0
      for (let page = 0; next !== undefined; page++) {
        if (page >= MAX_POLICY_PAGES)
          throw new TransientError(`GET ${first}: more than ${MAX_POLICY_PAGES} pages`)
        const url: string = next
        const result: GraphResult<{ value: Record<string, unknown>[]; nextLink: string | undefined }> =
          await call(
            tenantId,
            'GET',
            first,
            opts,
            (c) => request(c, url, opts).get(),
            (raw) => {
              const parsed = policyPageSchema.parse(raw)
              return { value: parsed.value, nextLink: parsed['@odata.nextLink'] }
            },
          )
        policies.push(...result.value.value)
        attempts += result.attempts
        last = result
        next = result.value.nextLink
        // Only follow links to the Graph host we were configured with (never send the token elsewhere).
        if (next !== undefined && new URL(next).origin !== graph.origin)
          throw new TransientError(`GET ${first}: @odata.nextLink points to another host`)
      }
      return {
        value: policies,
        requestId: last?.requestId,
        clientRequestId: last?.clientRequestId ?? randomUUID(),
        attempts,
      }
    },
    getAuthorizationPolicy(tenantId, opts) {
      const path = '/policies/authorizationPolicy'
      return call(
        tenantId,
        'GET',
        path,
        opts,
        (c) => request(c, path, opts).get(),
        (raw) => z.looseObject({}).parse(raw),
      )
    },
    async grantedRoles(tenantId, opts) {
      return (await options.tokens.getToken(tenantId, { forceRefresh: opts?.forceRefresh === true })).roles
    },
    listSubscribedSkus(tenantId, opts) {
      const path = '/subscribedSkus'
      return call(
        tenantId,
        'GET',
        path,
        opts,
        (c) => request(c, path, opts).get(),
        (raw) => {
          return summarizeLicences(skusSchema.parse(raw).value)
        },
      )
    },
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
