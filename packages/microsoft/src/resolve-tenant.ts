// Domain (or tenant id) → tenant id through unauthenticated OpenID discovery:
// GET {loginUrl}/{domain}/v2.0/.well-known/openid-configuration, whose `issuer` is {loginUrl}/{tenantId}/v2.0.
// This is public information and proves nothing about who controls the domain: a lookup, not authorization.
// The same document names the tenant's cloud (`cloud_instance_name`, `tenant_region_scope`); the cloud of the
// endpoint itself comes from the `organizations` document (cached per login origin), so the caller can tell a
// tenant of another cloud (US Government, China) apart. Sources: docs/microsoft-behaviour.md.
import { z } from 'zod'
import { TransientError, UnknownTenantError } from './errors.ts'
import { isDomainName, isGuid, normalizeBaseUrl, TENANT_ALIASES } from './urls.ts'

export interface ResolvedTenant {
  tenantId: string
  issuer: string
  /** The tenant's cloud, e.g. `microsoftonline.com`, `microsoftonline.us`, `partner.microsoftonline.cn`. */
  cloudInstanceName: string | null
  /** e.g. `EU`, `NA`, `USGov`; null for the Microsoft account (consumer) tenant. */
  tenantRegionScope: string | null
  tenantRegionSubScope: string | null
  /** The cloud of the login endpoint we asked (where our app lives); null if it could not be read. */
  endpointCloudInstanceName: string | null
}

const discoverySchema = z.looseObject({
  issuer: z.string(),
  cloud_instance_name: z.string().nullish(),
  tenant_region_scope: z.string().nullish(),
  tenant_region_sub_scope: z.string().nullish(),
})
const endpointClouds = new Map<string, Promise<string | null>>()

/** `cloud_instance_name` of the `organizations` discovery document of a login origin (cached; null on failure). */
function endpointCloud(origin: string, timeoutMs: number): Promise<string | null> {
  const known = endpointClouds.get(origin)
  if (known !== undefined) return known
  const lookup = fetch(`${origin}/organizations/v2.0/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(timeoutMs),
  })
    .then(async (r) => (r.ok ? discoverySchema.safeParse(await r.json()) : undefined))
    .then((parsed) => parsed?.data?.cloud_instance_name ?? null)
    .catch(() => null)
  // Only a successful answer is kept; a failure is asked again next time.
  void lookup.then((v) => {
    if (v === null) endpointClouds.delete(origin)
  })
  endpointClouds.set(origin, lookup)
  return lookup
}
const oauthErrorSchema = z.looseObject({
  error: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  error_description: z.string().optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
})

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

export async function resolveTenant(
  loginUrl: string,
  domainOrId: string,
  opts: { timeoutMs?: number } = {},
): Promise<ResolvedTenant> {
  const login = normalizeBaseUrl('loginUrl', loginUrl)
  const input = domainOrId.trim().toLowerCase()
  if (TENANT_ALIASES.has(input) || (!isGuid(input) && !isDomainName(input))) {
    throw new UnknownTenantError(`"${domainOrId}" is not a domain name or tenant id`)
  }
  const url = `${login.origin}/${encodeURIComponent(input)}/v2.0/.well-known/openid-configuration`
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) })
  } catch (error) {
    throw new TransientError(`tenant discovery for ${input} failed: no response`, { cause: error })
  }
  const body: unknown = await response.json().catch(() => undefined)
  if (response.status >= 500 || response.status === 429) {
    throw new TransientError(`tenant discovery for ${input} failed (HTTP ${response.status})`, {
      status: response.status,
    })
  }
  if (!response.ok) {
    const err = oauthErrorSchema.safeParse(body)
    const details = err.success
      ? {
          status: response.status,
          code: err.data.error,
          aadstsCodes:
            err.data.error_codes ??
            [...(err.data.error_description ?? '').matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1])),
          requestId: err.data.trace_id,
          clientRequestId: err.data.correlation_id,
          microsoftMessage: err.data.error_description,
        }
      : { status: response.status }
    // 400 invalid_tenant / AADSTS90002 is the documented "no such tenant"; any other 4xx for a
    // well-formed name (e.g. 900023 malformed tenant) also means we cannot find it.
    throw new UnknownTenantError(`no Microsoft Entra tenant found for "${input}"`, details)
  }
  const parsed = discoverySchema.safeParse(body)
  if (!parsed.success) throw new TransientError(`tenant discovery for ${input}: response has no issuer`)
  const issuerPattern = new RegExp(
    `^${escapeRegExp(login.origin)}/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/v2\\.0$`,
    'i',
  )
  const match = issuerPattern.exec(parsed.data.issuer)
  if (match?.[1] === undefined) {
    throw new TransientError(
      `tenant discovery for ${input}: unexpected issuer ${JSON.stringify(parsed.data.issuer)}`,
    )
  }
  return {
    tenantId: match[1].toLowerCase(),
    issuer: parsed.data.issuer,
    cloudInstanceName: parsed.data.cloud_instance_name ?? null,
    tenantRegionScope: parsed.data.tenant_region_scope ?? null,
    tenantRegionSubScope: parsed.data.tenant_region_sub_scope ?? null,
    endpointCloudInstanceName: await endpointCloud(login.origin, opts.timeoutMs ?? 10_000),
  }
}
