// Effective trust on every check: read the tenant's Conditional Access policies, authorization policy,
// licences (and the default cross-tenant policy when the partner entry inherits from it), evaluate with
// packages/core, persist the verdict per customer and notify once when it changes.
import {
  evaluateEffectiveTrust,
  inheritedDefaultMembers,
  missingTrustPermissions,
  type DefaultPolicyMember,
  type EffectiveTrustResult,
  type LicenceLevel,
  type MissingPermission,
} from '@crosstrust/core'
import {
  isMicrosoftError,
  type CallOptions,
  type GraphPartner,
  type LicenceSummary,
  type Settled,
} from '@crosstrust/microsoft'
import type { TrustDeps } from '../monitoring/settings.ts'
import type { TrustSubject } from './persist-trust.ts'

export interface TrustRefreshInput extends TrustSubject {
  /** The partner entry the check just read (after any repair); null when it does not exist. */
  partner: GraphPartner | null
  /** The licence onboarding found: used when /subscribedSkus cannot be read. */
  storedLicence: LicenceLevel
  /**
   * A check staff asked for: when the cached token lacks a permission, get a fresh token before concluding
   * "re-consent needed" (the customer may just have consented again). Scheduled checks use the cache.
   */
  freshTokenIfMissing?: boolean
  /**
   * What a check already read in its one batched request (check-read.ts); a read absent here is made now,
   * on its own. Onboarding's first verdict has nothing prefetched.
   */
  prefetched?: PrefetchedTrustInputs
}

/** The trust inputs a check read beside the partner entry, each settled on its own (a batch's items fail alone). */
export interface PrefetchedTrustInputs {
  /** The permissions the token lacked when the check planned its reads (`planReads` in monitoring/check-read.ts). */
  missing: MissingPermission[]
  conditionalAccessPolicies?: Settled<Record<string, unknown>[]>
  authorizationPolicy?: Settled<Record<string, unknown>>
  licences?: Settled<LicenceSummary>
  defaultPolicy?: Settled<Record<string, unknown>>
}

class SkipRefresh extends Error {}

/** What the Graph reads of one refresh concluded, before anything is stored. */
export type TrustEvaluation =
  | {
      status: 'evaluated'
      result: EffectiveTrustResult
      graphCalls: number
      /**
       * The default policy as read, with the members the entry inherits from it (core's
       * `inheritedDefaultMembers`); null when the entry overrides both (not read). A check fingerprints it.
       */
      defaultPolicy: { policy: Record<string, unknown>; inherited: DefaultPolicyMember[] } | null
    }
  | { status: 'skipped'; graphCalls: number }

/**
 * The trust permissions the tenant's token lacks (core's `missingTrustPermissions`), from the token a read is
 * about to use anyway. `fresh`: when the cached token lacks one, get a new token first (the customer may just
 * have consented again). Throws the Microsoft error when no token can be had.
 */
export async function missingPermissionsOf(
  deps: Pick<TrustDeps, 'graph'>,
  tenantId: string,
  fresh: boolean,
): Promise<MissingPermission[]> {
  const missing = missingTrustPermissions(await deps.graph.grantedRoles(tenantId))
  if (missing.length === 0 || !fresh) return missing
  return missingTrustPermissions(await deps.graph.grantedRoles(tenantId, { forceRefresh: true }))
}

/**
 * Reads what effective trust depends on (what the check prefetched is used as read) and evaluates it; stores
 * nothing. Never throws for Microsoft errors: a missing permission becomes `unknown` with "re-consent needed",
 * anything else is `skipped` (the last verdict stays).
 */
export async function evaluateTrustForTenant(
  deps: TrustDeps,
  input: TrustRefreshInput,
): Promise<TrustEvaluation> {
  const { graph, settings } = deps
  const prefetched = input.prefetched
  const opts: CallOptions = {
    priority: 'low',
    ...(settings.graphRetry === undefined ? {} : { retry: settings.graphRetry }),
  }
  let graphCalls = 0
  /** A prefetched item as read, else one read of its own; a Microsoft error is thrown either way. */
  const readOrUse = async <T>(item: Settled<T> | undefined, fn: () => Promise<{ value: T }>): Promise<T> => {
    if (item !== undefined) {
      if (item.ok) return item.value
      throw item.error
    }
    graphCalls++
    return (await fn()).value
  }
  let result: EffectiveTrustResult
  let defaultPolicy: { policy: Record<string, unknown>; inherited: DefaultPolicyMember[] } | null = null
  try {
    let missing: MissingPermission[]
    try {
      missing =
        prefetched?.missing ??
        (await missingPermissionsOf(deps, input.tenantId, input.freshTokenIfMissing === true))
    } catch (err) {
      if (isMicrosoftError(err)) throw new SkipRefresh(err.message)
      throw err
    }
    if (missing.length > 0) {
      result = evaluateEffectiveTrust({
        partnerTenantId: settings.partnerTenantId,
        partner: input.partner,
        defaultPolicy: null,
        licence: input.storedLicence,
        conditionalAccessPolicies: null,
        authorizationPolicy: null,
        missingPermissions: missing,
      })
    } else {
      const policyRead = async <T>(
        item: Settled<T> | undefined,
        fn: () => Promise<{ value: T }>,
      ): Promise<T> => {
        try {
          return await readOrUse(item, fn)
        } catch (err) {
          if (!isMicrosoftError(err)) throw err
          // 403 after the role check: the grant was just removed or has not replicated; the next check knows.
          throw new SkipRefresh(err.message)
        }
      }
      const conditionalAccessPolicies = await policyRead(prefetched?.conditionalAccessPolicies, () =>
        graph.listConditionalAccessPolicies(input.tenantId, opts),
      )
      const authorizationPolicy = await policyRead(prefetched?.authorizationPolicy, () =>
        graph.getAuthorizationPolicy(input.tenantId, opts),
      )
      let licence: LicenceLevel = input.storedLicence
      try {
        licence = (
          await readOrUse(prefetched?.licences, () => graph.listSubscribedSkus(input.tenantId, opts))
        ).level
      } catch (err) {
        if (!isMicrosoftError(err)) throw err
        // Throttled: no further read to this tenant before its Retry-After; the last verdict stays.
        if (err.kind === 'throttled') throw new SkipRefresh(err.message)
      }
      // Read only where the entry leaves a member to the default: otherwise it cannot change the verdict.
      const inherited = inheritedDefaultMembers(input.partner)
      defaultPolicy =
        inherited.length === 0
          ? null
          : {
              policy: await policyRead(prefetched?.defaultPolicy, () =>
                graph.getDefaultPolicy(input.tenantId, opts),
              ),
              inherited,
            }
      result = evaluateEffectiveTrust({
        partnerTenantId: settings.partnerTenantId,
        partner: input.partner,
        defaultPolicy: defaultPolicy?.policy ?? null,
        licence,
        conditionalAccessPolicies,
        authorizationPolicy,
      })
    }
  } catch (err) {
    if (!(err instanceof SkipRefresh)) throw err
    deps.log?.('effective trust not evaluated: a read failed', {
      customerId: input.customerId,
      err: err.message,
    })
    return { status: 'skipped', graphCalls }
  }
  return { status: 'evaluated', result, graphCalls, defaultPolicy }
}
