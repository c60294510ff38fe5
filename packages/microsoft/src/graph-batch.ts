// A scheduled check's Graph reads of one tenant in one JSON batch instead of one HTTP request each: the
// partner entry, and when asked the Conditional Access policies, the authorization policy, the subscribed
// SKUs and the default policy. Per-request overhead dominates a check's cost; Graph runs the requests of a
// batch in parallel, so the batch takes about as long as its slowest read.
// https://learn.microsoft.com/graph/json-batching
import { readBatch, type BatchRead, type BatchReaderOptions, type Settled } from './graph-batch-reader.ts'
import { followPages } from './graph-paging.ts'
import {
  AUTHORIZATION_POLICY_PATH,
  CONDITIONAL_ACCESS_POLICIES_PATH,
  DEFAULT_POLICY_PATH,
  MAX_POLICY_PAGES,
  partnerPath,
  SUBSCRIBED_SKUS_PATH,
} from './graph-paths.ts'
import type { CallOptions } from './graph-request.ts'
import {
  parseLicences,
  parseObject,
  parsePartner,
  parsePolicyPage,
  type GraphPartner,
} from './graph-responses.ts'
import { isMicrosoftError, type MicrosoftError } from './errors.ts'
import type { LicenceSummary } from './licences.ts'

export type { Settled } from './graph-batch-reader.ts'

export interface TenantStateRequest {
  partnerTenantId: string
  /** Conditional Access policies, the authorization policy and subscribed SKUs (needs Policy.Read.All). */
  trustInputs: boolean
  /** The default cross-tenant access policy. */
  defaultPolicy: boolean
}

export interface TenantState {
  /** 404 ⇒ `{ ok: true, value: null }`. */
  partner: Settled<GraphPartner | null>
  /** Present iff `trustInputs`; every page. */
  conditionalAccessPolicies?: Settled<Record<string, unknown>[]>
  /** Present iff `trustInputs`. */
  authorizationPolicy?: Settled<Record<string, unknown>>
  /** Present iff `trustInputs`. */
  licences?: Settled<LicenceSummary>
  /** Present iff `defaultPolicy`. */
  defaultPolicy?: Settled<Record<string, unknown>>
  /** HTTP requests this reading took: the batch, its retries, any follow-up pages. */
  httpRequests: number
}

export interface TenantStateReader extends BatchReaderOptions {
  graph: URL
}

export async function readTenantState(
  reader: TenantStateReader,
  tenantId: string,
  request: TenantStateRequest,
  opts: CallOptions | undefined,
): Promise<TenantState> {
  let httpRequests = 0
  const count = (attempts: number): void => {
    httpRequests += attempts
  }
  const partner: BatchRead<GraphPartner | null> = {
    path: partnerPath(request.partnerTenantId),
    parse: parsePartner,
    onNotFound: () => null,
  }
  const trustInputs = request.trustInputs
    ? {
        conditionalAccessPolicies: { path: CONDITIONAL_ACCESS_POLICIES_PATH, parse: parsePolicyPage },
        authorizationPolicy: { path: AUTHORIZATION_POLICY_PATH, parse: parseObject },
        licences: { path: SUBSCRIBED_SKUS_PATH, parse: parseLicences },
      }
    : {}
  const defaultPolicy = request.defaultPolicy
    ? { defaultPolicy: { path: DEFAULT_POLICY_PATH, parse: parseObject } }
    : {}
  const { conditionalAccessPolicies: firstPage, ...rest } = await readBatch(
    reader,
    tenantId,
    { partner, ...trustInputs, ...defaultPolicy },
    opts,
    count,
  )
  if (firstPage === undefined) return { ...rest, httpRequests }
  // A read that ended throttled leaves the tenant off-limits until its Retry-After: no further page then.
  const throttled = Object.values(rest).find(
    (read): read is { ok: false; error: MicrosoftError } => !read.ok && read.error.kind === 'throttled',
  )
  const conditionalAccessPolicies =
    throttled !== undefined && firstPage.ok && firstPage.value.nextLink !== undefined
      ? throttled
      : await allPolicies(reader, tenantId, firstPage, opts, count)
  return { ...rest, conditionalAccessPolicies, httpRequests }
}

/** The policies of every page: the batch answered the first, `@odata.nextLink` leads to the others. */
async function allPolicies(
  reader: TenantStateReader,
  tenantId: string,
  first: Settled<ReturnType<typeof parsePolicyPage>>,
  opts: CallOptions | undefined,
  count: (attempts: number) => void,
): Promise<Settled<Record<string, unknown>[]>> {
  if (!first.ok) return first
  if (first.value.nextLink === undefined) return { ...first, value: first.value.value }
  try {
    const all = await followPages(
      reader.send,
      reader.graph,
      tenantId,
      { path: CONDITIONAL_ACCESS_POLICIES_PATH, ...first.value, requestId: first.requestId },
      MAX_POLICY_PAGES,
      opts,
      count,
    )
    return { ok: true, value: all.value, requestId: all.requestId }
  } catch (error) {
    if (isMicrosoftError(error)) return { ok: false, error }
    throw error
  }
}
