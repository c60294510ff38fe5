// OpenID discovery, JWKS and instance discovery, per tenant (by id or any verified domain). The issuer
// always carries the tenant GUID; `common`/`organizations` answer with the `{tenantid}` placeholder, and
// `consumers` with the Microsoft account tenant's GUID (its endpoints keep the `consumers` segment).
// Tenants of other clouds report their cloud in `cloud_instance_name`, `tenant_region_scope` (+ sub scope)
// and the Graph hosts; their endpoints stay on this simulator's origin so nothing leaves loopback.
//   https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc
//   https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SimState, Tenant } from '../state.ts'
import type { TenantCloud } from '../graph/tenant-graph.ts'
import { MSA_TENANT_ID } from '../graph-seed-schema.ts'
import { aadError } from '../errors.ts'
import { sendAad } from '../context.ts'

const MULTI = new Set(['common', 'organizations', 'consumers'])

/** AAD Graph and Microsoft Graph hosts per cloud (national cloud endpoint tables on Microsoft Learn). */
function cloudHosts(state: SimState, cloud: TenantCloud | undefined): { aad: string; ms: string } {
  const own = new URL(state.graphUrl || 'https://graph.microsoft.com').host
  if (cloud?.cloudInstanceName === 'microsoftonline.us')
    return {
      aad: 'graph.windows.net',
      ms: cloud.tenantRegionSubScope === 'DOD' ? 'dod-graph.microsoft.us' : 'graph.microsoft.us',
    }
  if (cloud?.cloudInstanceName === 'partner.microsoftonline.cn')
    return { aad: 'graph.chinacloudapi.cn', ms: 'microsoftgraph.chinacloudapi.cn' }
  return { aad: 'graph.windows.net', ms: own }
}

export function openIdConfiguration(
  state: SimState,
  tenantSegment: string,
  tenantId: string | null,
  tenant?: Tenant,
): Record<string, unknown> {
  const base = state.loginUrl
  // Microsoft serves the Microsoft account tenant's endpoints under `consumers`, whichever way it is asked.
  const seg = tenantId === MSA_TENANT_ID ? 'consumers' : (tenantId ?? tenantSegment)
  const cloud = tenant?.graph.cloud
  const hosts = cloudHosts(state, cloud)
  const region =
    tenantId === null ? null : cloud ? cloud.tenantRegionScope : tenantId === MSA_TENANT_ID ? null : 'EU'
  return {
    token_endpoint: `${base}/${seg}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${seg}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${tenantId ?? '{tenantid}'}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.graphUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/${seg}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${seg}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${seg}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/${seg}/kerberos`,
    tenant_region_scope: region,
    ...(cloud?.tenantRegionSubScope ? { tenant_region_sub_scope: cloud.tenantRegionSubScope } : {}),
    cloud_instance_name: cloud?.cloudInstanceName ?? 'microsoftonline.com',
    cloud_graph_host_name: hosts.aad,
    msgraph_host: hosts.ms,
    rbac_url: 'https://pas.windows.net',
  }
}

export function tenantNotFound(
  segment: string,
  correlationId: string | undefined,
): ReturnType<typeof aadError> {
  return aadError(
    400,
    'invalid_tenant',
    90002,
    `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    correlationId,
  )
}

export function registerDiscovery(app: FastifyInstance, state: SimState): void {
  app.get<{ Params: { tenant: string } }>(
    '/:tenant/v2.0/.well-known/openid-configuration',
    async (req, reply) => {
      const seg = req.params.tenant
      const lower = seg.toLowerCase()
      if (lower === 'consumers')
        return reply.send(openIdConfiguration(state, lower, MSA_TENANT_ID, state.getTenant(MSA_TENANT_ID)))
      if (MULTI.has(lower)) return reply.send(openIdConfiguration(state, lower, null))
      const t = state.resolveTenant(seg)
      if (!t) return sendAad(reply, tenantNotFound(seg, req.sim.clientRequestId))
      return reply.send(openIdConfiguration(state, seg, t.id, t))
    },
  )

  const keys = async (
    req: FastifyRequest<{ Params: { tenant?: string } }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const seg = req.params.tenant
    if (seg && !MULTI.has(seg.toLowerCase()) && !state.resolveTenant(seg)) {
      return sendAad(reply, tenantNotFound(seg, req.sim.clientRequestId))
    }
    return reply.header('cache-control', 'max-age=86400, private').send(state.keys.jwks())
  }
  app.get<{ Params: { tenant?: string } }>('/:tenant/discovery/v2.0/keys', keys)
  app.get<{ Params: { tenant?: string } }>('/:tenant/discovery/keys', keys)
  app.get<{ Params: { tenant?: string } }>('/discovery/v2.0/keys', keys)
  app.get<{ Params: { tenant?: string } }>('/discovery/keys', keys)

  // Instance discovery (MSAL skips it when the host is in knownAuthorities; served for other clients).
  app.get<{ Querystring: { authorization_endpoint?: string } }>(
    '/common/discovery/instance',
    async (req, reply) => {
      const host = new URL(state.loginUrl).host
      const m = /\/\/[^/]+\/([^/]+)\//.exec(req.query.authorization_endpoint ?? '')
      const seg = m?.[1] ?? 'common'
      return reply.send({
        tenant_discovery_endpoint: `${state.loginUrl}/${seg}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      })
    },
  )
}
