// Domain (or tenant id) → tenant id through unauthenticated OpenID discovery:
// GET {loginUrl}/{domain}/v2.0/.well-known/openid-configuration, whose `issuer` is {loginUrl}/{tenantId}/v2.0.
// This is public information and proves nothing about who controls the domain: a lookup, not authorization.
import { z } from 'zod'
import { TransientError, UnknownTenantError } from './errors.ts'
import { isDomainName, isGuid, normalizeBaseUrl, TENANT_ALIASES } from './urls.ts'

export interface ResolvedTenant {
  tenantId: string
  issuer: string
}

const discoverySchema = z.looseObject({ issuer: z.string() })
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
  return { tenantId: match[1].toLowerCase(), issuer: parsed.data.issuer }
}
