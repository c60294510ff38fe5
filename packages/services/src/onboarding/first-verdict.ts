import type { GraphPartner } from '@crosstrust/microsoft'
import type { LicenceLevel } from '@crosstrust/core'
import { evaluateTrust, storeCheckTrust } from '../monitoring/check-trust.ts'
import type { OnboardingDeps } from './types.ts'

export interface FirstVerdictSubject {
  customerId: string
  customerName: string
  tenantId: string
  /** The partner entry as onboarding read it back, verified. */
  partner: GraphPartner | null
  /** What the prerequisites step found; used when the licences cannot be read again. */
  licence: LicenceLevel
}

/**
 * The customer's first effective-trust verdict, evaluated right after onboarding verified the partner entry,
 * so the administrator's result page answers "will it work?" before the first scheduled check (the same
 * evaluation and storage as every check, docs/effective-trust.md). It never fails the onboarding: when a
 * read fails, nothing is stored and the first check evaluates it. The first verdict is not a change, so it
 * notifies no one.
 */
export async function recordFirstVerdict(deps: OnboardingDeps, subject: FirstVerdictSubject): Promise<void> {
  const trustDeps = {
    ctx: deps.ctx,
    graph: deps.graph,
    settings: { partnerTenantId: deps.settings.partnerTenantId },
    ...(deps.log === undefined ? {} : { log: deps.log }),
  }
  const trust = await evaluateTrust(trustDeps, { ...subject, notify: false, storedLicence: subject.licence })
  if (trust !== null) await storeCheckTrust(trustDeps, trust)
}
