import { bindingBasis, describeLicence, prerequisitesMessage, type LicenceLevel } from '@crosstrust/core'
import type { GraphPartner } from '@crosstrust/microsoft'
import { recordAudits, type AuditInput } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { moveSteps, type StepMove } from '../onboarding-steps.ts'
import { beginStep, handOver } from './step-records.ts'
import type { OnboardingRun } from './types.ts'

/**
 * Step `prerequisites_checked`: the organization, licences, default policy and any existing partner entry,
 * read one at a time. A bound tenant is confirmed (`tenant_confirmed`) and `policy_applied` started in the
 * same transaction; an unbound one leaves the run waiting for an Operator (`binding: null`). Returns the
 * partner entry as found.
 */
export async function checkPrerequisites(
  run: OnboardingRun,
  tenantId: string,
  bound: boolean,
): Promise<{ partner: GraphPartner | null; binding: string | null; licence: LicenceLevel }> {
  const { ctx, graph, settings } = run.deps
  const customerId = run.customer.id
  await beginStep(run, 'prerequisites_checked')
  const binding = bound ? bindingBasis(run.customer, tenantId) : null
  // One at a time on purpose: Graph throttles per app+tenant, so after a 429 every request to the tenant
  // must wait out the Retry-After; parallel reads would hit the tenant again before it elapsed.
  const org = await graph.getOrganization(tenantId)
  const licences = await graph.listSubscribedSkus(tenantId)
  const defaults = await graph.getDefaultPolicy(tenantId)
  const partner = await graph.getPartner(tenantId, settings.partnerTenantId)
  const level = licences.value.level
  const licence = describeLicence(licences.value)
  const warnings = licence.warnings
  const domains = org.value.verifiedDomains.map((d) => d.name)
  const message = prerequisitesMessage({
    displayName: org.value.displayName,
    verifiedDomains: domains,
    licenceSummary: licence.summary,
    partnerExists: partner.value !== null,
    warnings,
  })
  const moves: StepMove[] = [
    {
      step: 'prerequisites_checked',
      to: 'succeeded',
      message,
      detail: {
        organization: org.value,
        licence: licences.value,
        defaultPolicy: defaults.value,
        existingPartner: partner.value,
        warnings,
      },
    },
  ]
  const audits: AuditInput[] = [
    {
      action: 'onboarding.prerequisites_checked',
      customerId,
      before: { partner: partner.value },
      after: { licence: level, warnings },
    },
  ]
  // Same transaction: an expected tenant never shows as awaiting confirmation, not even for a moment. The
  // tenant itself was bound by `access_verified` (the same run, just before), so only the step is left.
  if (binding !== null) {
    moves.push(
      { step: 'tenant_confirmed', to: 'succeeded', message: binding, detail: { tenantId } },
      { step: 'policy_applied', begin: true },
    )
    audits.push({ action: 'onboarding.tenant_bound', customerId, after: { tenantId, basis: binding } })
  }
  await ctx.db.$transaction(async (tx) => {
    await moveSteps(tx, customerId, moves, ctx.now(), {
      tenantDisplayName: org.value.displayName,
      verifiedDomains: domains,
      licence: level,
    })
    await recordAudits(tx, SYSTEM_ACTOR, audits)
  })
  if (binding !== null) handOver(run, 'policy_applied')
  return { partner: partner.value, binding, licence: level }
}
