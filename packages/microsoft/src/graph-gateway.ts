// Domain-shaped Graph calls against one customer tenant at a time. Every method returns the value plus
// the Graph request id (callers record it in audit/run history) and throws only our own error types. Each
// method is a request description; `graph-request.ts` sends it, retries, classifies and parses.
import type { ConnectionPoolOptions } from './connection-pool.ts'
import { randomUUID } from 'node:crypto'
import { TransientError } from './errors.ts'
import type { RetryPolicy } from './graph-middleware.ts'
import { createGraphSender, type CallOptions, type GraphResult } from './graph-request.ts'
import {
  parseLicences,
  parseObject,
  parseOrganization,
  parsePartner,
  parsePolicyPage,
  type GraphPartner,
  type Organization,
} from './graph-responses.ts'
import type { LicenceSummary } from './licences.ts'
import type { MicrosoftLogger } from './logger.ts'
import type { TokenProvider } from './token-provider.ts'
import { normalizeBaseUrl } from './urls.ts'

export type { CallOptions, GraphResult } from './graph-request.ts'
export type { GraphPartner, Organization } from './graph-responses.ts'
export type GraphPartnerBody = Record<string, unknown>

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
  /** Graph's keep-alive connection pool (connection-pool.ts); defaults apply when absent. */
  connections?: ConnectionPoolOptions
}

/** A tenant has at most a few hundred Conditional Access policies; a link loop must end. */
const MAX_POLICY_PAGES = 50

const PARTNERS = '/policies/crossTenantAccessPolicy/partners'
const partnerPath = (partnerTenantId: string) => `${PARTNERS}/${encodeURIComponent(partnerTenantId)}`

export function createGraphGateway(options: GraphGatewayOptions): GraphGateway {
  const graph = normalizeBaseUrl('graphUrl', options.graphUrl)
  const send = createGraphSender({ ...options, graph })

  return {
    getPartner: (tenantId, partnerTenantId, opts) =>
      send(
        tenantId,
        {
          method: 'GET',
          path: partnerPath(partnerTenantId),
          parse: (raw): GraphPartner | null => parsePartner(raw),
          onNotFound: () => null,
        },
        opts,
      ),
    createPartner: (tenantId, body, opts) =>
      send(tenantId, { method: 'POST', path: PARTNERS, body, parse: parsePartner }, opts),
    updatePartner: (tenantId, partnerTenantId, body, opts) =>
      send(tenantId, { method: 'PATCH', path: partnerPath(partnerTenantId), body, parse: () => null }, opts),
    deletePartner: (tenantId, partnerTenantId, opts) =>
      send(
        tenantId,
        {
          method: 'DELETE',
          path: partnerPath(partnerTenantId),
          parse: (): 'deleted' | 'absent' => 'deleted',
          onNotFound: () => 'absent',
        },
        opts,
      ),
    getDefaultPolicy: (tenantId, opts) =>
      send(
        tenantId,
        { method: 'GET', path: '/policies/crossTenantAccessPolicy/default', parse: parseObject },
        opts,
      ),
    getOrganization: (tenantId, opts): Promise<GraphResult<Organization>> =>
      send(
        tenantId,
        {
          method: 'GET',
          path: '/organization',
          select: ['id', 'displayName', 'verifiedDomains'],
          parse: parseOrganization,
        },
        opts,
      ),
    async listConditionalAccessPolicies(tenantId, opts) {
      const first = '/identity/conditionalAccess/policies'
      const policies: Record<string, unknown>[] = []
      let next: string | undefined = first
      let last: GraphResult<unknown> | undefined
      let attempts = 0
      for (let page = 0; next !== undefined; page++) {
        if (page >= MAX_POLICY_PAGES)
          throw new TransientError(`GET ${first}: more than ${MAX_POLICY_PAGES} pages`)
        const result: GraphResult<ReturnType<typeof parsePolicyPage>> = await send(
          tenantId,
          { method: 'GET', path: first, url: next, parse: parsePolicyPage },
          opts,
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
    getAuthorizationPolicy: (tenantId, opts) =>
      send(tenantId, { method: 'GET', path: '/policies/authorizationPolicy', parse: parseObject }, opts),
    async grantedRoles(tenantId, opts) {
      return (await options.tokens.getToken(tenantId, { forceRefresh: opts?.forceRefresh === true })).roles
    },
    listSubscribedSkus: (tenantId, opts): Promise<GraphResult<LicenceSummary>> =>
      send(tenantId, { method: 'GET', path: '/subscribedSkus', parse: parseLicences }, opts),
  }
}
