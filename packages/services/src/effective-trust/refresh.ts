// Effective trust on every check: read the tenant's Conditional Access policies, authorization policy,
// licences (and the default cross-tenant policy when the partner entry inherits from it), evaluate with
// packages/core, persist the verdict per customer and notify once when it changes.
import {
  evaluateEffectiveTrust,
  missingTrustPermissions,
  type EffectiveTrustResult,
  type LicenceLevel,
  type MissingPermission,
} from '@crosstrust/core'
import { isMicrosoftError, type CallOptions, type GraphPartner } from '@crosstrust/microsoft'
import type { MonitoringDeps } from '../monitoring/settings.ts'
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
}

/** Does the partner entry leave trust or inbound B2B to the default policy? Then the default matters. */
function inheritsFromDefault(partner: GraphPartner | null): boolean {
  if (partner === null) return true
  const trust = partner.inboundTrust as Record<string, unknown> | null | undefined
  if (trust === null || trust === undefined) return true
  if (trust.isMfaAccepted == null || trust.isCompliantDeviceAccepted == null) return true
  return partner.b2bCollaborationInbound === null || partner.b2bCollaborationInbound === undefined
}

class SkipRefresh extends Error {}

/** What the Graph reads of one refresh concluded, before anything is stored. */
export type TrustEvaluation =
  | { status: 'evaluated'; result: EffectiveTrustResult; graphCalls: number }
  | { status: 'skipped'; graphCalls: number }

/**
 * Reads what effective trust depends on and evaluates it; stores nothing. Never throws for Microsoft errors:
 * a missing permission becomes `unknown` with "re-consent needed", anything else is `skipped` (the last
 * verdict stays).
 */
export async function evaluateTrustForTenant(
  deps: MonitoringDeps,
  input: TrustRefreshInput,
): Promise<TrustEvaluation> {
  const { graph, settings } = deps
  const opts: CallOptions = {
    priority: 'low',
    ...(settings.graphRetry === undefined ? {} : { retry: settings.graphRetry }),
  }
  let graphCalls = 0
  const read = async <T>(fn: () => Promise<{ value: T }>): Promise<T> => {
    graphCalls++
    return (await fn()).value
  }
  let result: EffectiveTrustResult
  try {
    let missing: MissingPermission[]
    try {
      missing = missingTrustPermissions(await graph.grantedRoles(input.tenantId))
      if (missing.length > 0 && input.freshTokenIfMissing === true)
        missing = missingTrustPermissions(await graph.grantedRoles(input.tenantId, { forceRefresh: true }))
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
      const policyRead = async <T>(fn: () => Promise<{ value: T }>): Promise<T> => {
        try {
          return await read(fn)
        } catch (err) {
          if (!isMicrosoftError(err)) throw err
          // 403 after the role check: the grant was just removed or has not replicated; the next check knows.
          throw new SkipRefresh(err.message)
        }
      }
      const conditionalAccessPolicies = await policyRead(() =>
        graph.listConditionalAccessPolicies(input.tenantId, opts),
      )
      const authorizationPolicy = await policyRead(() => graph.getAuthorizationPolicy(input.tenantId, opts))
      let licence: LicenceLevel = input.storedLicence
      try {
        licence = (await read(() => graph.listSubscribedSkus(input.tenantId, opts))).level
      } catch (err) {
        if (!isMicrosoftError(err)) throw err
        // Throttled: no further read to this tenant before its Retry-After; the last verdict stays.
        if (err.kind === 'throttled') throw new SkipRefresh(err.message)
      }
      const defaultPolicy = inheritsFromDefault(input.partner)
        ? await policyRead(() => graph.getDefaultPolicy(input.tenantId, opts))
        : null
      result = evaluateEffectiveTrust({
        partnerTenantId: settings.partnerTenantId,
        partner: input.partner,
        defaultPolicy,
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
  return { status: 'evaluated', result, graphCalls }
}
