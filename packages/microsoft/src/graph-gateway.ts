// Domain-shaped Graph calls against one customer tenant at a time. Every method returns the value plus
// the Graph request id (callers record it in audit/run history) and throws only our own error types. Each
// method is a request description; `graph-request.ts` sends it, retries, classifies and parses.
import type { ConnectionPoolOptions } from './connection-pool.ts'
import {
  AUDIT_PAGE_SIZE,
  directoryAuditFilter,
  MAX_AUDIT_PAGES,
  type DirectoryAuditQuery,
} from './directory-audits.ts'
import { readTenantState, type TenantState, type TenantStateRequest } from './graph-batch.ts'
import { collectPages } from './graph-paging.ts'
import {
  AUTHORIZATION_POLICY_PATH,
  CONDITIONAL_ACCESS_POLICIES_PATH,
  DEFAULT_POLICY_PATH,
  MAX_POLICY_PAGES,
  PARTNERS_PATH,
  partnerPath,
  SUBSCRIBED_SKUS_PATH,
} from './graph-paths.ts'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './graph-middleware.ts'
import { TenantRetryGate } from './retry-gate.ts'
import { createGraphSender, usableToken, type CallOptions, type GraphResult } from './graph-request.ts'
import {
  parseLicences,
  parseObject,
  parseOrganization,
  parsePartner,
  type GraphPartner,
  type Organization,
} from './graph-responses.ts'
import type { LicenceSummary } from './licences.ts'
import { silentLogger, type MicrosoftLogger } from './logger.ts'
import type { TokenProvider } from './token-provider.ts'
import { normalizeBaseUrl } from './urls.ts'

export type { CallOptions, GraphResult } from './graph-request.ts'
export type { GraphPartner, Organization } from './graph-responses.ts'
export type { Settled, TenantState, TenantStateRequest } from './graph-batch.ts'
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
   * A token lacking a required role fails as `AccessLostError` (`missing_roles`), as every call with it would.
   */
  grantedRoles(tenantId: string, opts?: { forceRefresh?: boolean }): Promise<string[]>
  /**
   * Directory audit entries of one category in a time window, filtered by Graph, every page; needs
   * AuditLog.Read.All and Directory.Read.All (directory-audits.ts).
   */
  listDirectoryAudits(
    tenantId: string,
    query: DirectoryAuditQuery,
    opts?: CallOptions,
  ): Promise<GraphResult<Record<string, unknown>[]>>
  /**
   * A check's reads of one tenant in one JSON batch (graph-batch.ts): the partner entry, and as asked the
   * trust inputs and the default policy. Each read settles on its own, as its single-request method would
   * have answered or failed; never throws for Microsoft's errors.
   */
  readTenantState(tenantId: string, request: TenantStateRequest, opts?: CallOptions): Promise<TenantState>
}

export interface GraphGatewayOptions {
  graphUrl: string
  tokens: TokenProvider
  logger?: MicrosoftLogger
  retry?: Partial<RetryPolicy>
  /** Graph's keep-alive connection pool (connection-pool.ts); defaults apply when absent. */
  connections?: ConnectionPoolOptions
}

export function createGraphGateway(options: GraphGatewayOptions): GraphGateway {
  const graph = normalizeBaseUrl('graphUrl', options.graphUrl)
  const retryGate = new TenantRetryGate()
  const send = createGraphSender({ ...options, graph, retryGate })
  const batchReader = {
    send,
    retryGate,
    graph,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    logger: options.logger ?? silentLogger,
    invalidateToken: (tenantId: string) => {
      options.tokens.invalidate(tenantId)
    },
  }

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
      send(tenantId, { method: 'POST', path: PARTNERS_PATH, body, parse: parsePartner }, opts),
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
      send(tenantId, { method: 'GET', path: DEFAULT_POLICY_PATH, parse: parseObject }, opts),
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
    listConditionalAccessPolicies: (tenantId, opts) =>
      collectPages(send, graph, tenantId, { path: CONDITIONAL_ACCESS_POLICIES_PATH }, MAX_POLICY_PAGES, opts),
    listDirectoryAudits: (tenantId, query, opts) =>
      collectPages(
        send,
        graph,
        tenantId,
        { path: '/auditLogs/directoryAudits', filter: directoryAuditFilter(query), top: AUDIT_PAGE_SIZE },
        MAX_AUDIT_PAGES,
        opts,
      ),
    getAuthorizationPolicy: (tenantId, opts) =>
      send(tenantId, { method: 'GET', path: AUTHORIZATION_POLICY_PATH, parse: parseObject }, opts),
    async grantedRoles(tenantId, opts) {
      return (await usableToken(options.tokens, tenantId, { forceRefresh: opts?.forceRefresh === true }))
        .roles
    },
    listSubscribedSkus: (tenantId, opts): Promise<GraphResult<LicenceSummary>> =>
      send(tenantId, { method: 'GET', path: SUBSCRIBED_SKUS_PATH, parse: parseLicences }, opts),
    readTenantState: (tenantId, request, opts) => readTenantState(batchReader, tenantId, request, opts),
  }
}
