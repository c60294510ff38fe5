import { bindingBasis, describeLicence, prerequisitesMessage, type LicenceLevel } from '@crosstrust/core'
import type { GraphPartner } from '@crosstrust/microsoft'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { moveStep } from '../onboarding-steps.ts'
import { beginStep, releaseOffboardedHolder } from './step-records.ts'
import type { OnboardingRun } from './types.ts'

/**
 * Step `prerequisites_checked`: the organization, licences, default policy and any existing partner entry,
 * read one at a time. A bound tenant is confirmed (`tenant_confirmed`) in the same transaction; an unbound
 * one leaves the run waiting for an Operator (`binding: null`). Returns the partner entry as found.
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
  await ctx.db.$transaction(async (tx) => {
    await moveStep(tx, customerId, 'prerequisites_checked', 'succeeded', ctx.now(), message, {
      organization: org.value,
      licence: licences.value,
      defaultPolicy: defaults.value,
      existingPartner: partner.value,
      warnings,
    })
    await tx.customer.update({
      where: { id: customerId },
      data: { tenantDisplayName: org.value.displayName, verifiedDomains: domains, licence: level },
    })
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'onboarding.prerequisites_checked',
      customerId,
      before: { partner: partner.value },
      after: { licence: level, warnings },
    })
    // Same transaction: an expected tenant never shows as awaiting confirmation, not even for a moment.
    if (binding !== null) {
      await moveStep(tx, customerId, 'tenant_confirmed', 'succeeded', ctx.now(), binding, { tenantId })
      await releaseOffboardedHolder(tx, tenantId, customerId)
      await tx.customer.update({ where: { id: customerId }, data: { tenantId } })
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'onboarding.tenant_bound',
        customerId,
        after: { tenantId, basis: binding },
      })
    }
  })
  return { partner: partner.value, binding, licence: level }
}
