// What a customer's Entra ID licences mean for the partner policy, in words staff and customers act on.
// Trust settings (accepting the partner's MFA and compliant devices) need Entra ID P1; a subscription that
// expired still works during its grace period, then is suspended, locked out and deleted.

export type LicenceStateName = 'active' | 'grace_period' | 'suspended' | 'locked_out' | 'deleted' | 'unknown'

export interface LicenceFacts {
  level: 'none' | 'p1' | 'p2'
  levelState: 'active' | 'grace_period' | null
  grantingSkus: string[]
  entraSubscriptions: {
    skuPartNumber: string
    level: 'p1' | 'p2'
    capabilityStatus: string
    state: LicenceStateName
  }[]
}

export interface LicenceDescription {
  /** One sentence for the prerequisites step, e.g. "Licence: Entra ID P2 (AAD_PREMIUM_P2)." */
  summary: string
  /** What staff should tell the customer; empty when the licence is fine. */
  warnings: string[]
}

const LEVEL_NAME = { p1: 'Entra ID P1', p2: 'Entra ID P2' } as const

const STATE_TEXT: Record<Exclude<LicenceStateName, 'active' | 'grace_period'>, string> = {
  suspended:
    'is suspended (cancelled or not renewed): it cannot be used, but the customer can still reactivate it',
  locked_out: 'is locked out (the subscription was cancelled): nobody in the tenant can use it',
  deleted: 'was deleted',
  unknown: 'is in a state Microsoft did not describe',
}

export function describeLicence(facts: LicenceFacts): LicenceDescription {
  const warnings: string[] = []
  let summary: string
  if (facts.level === 'none') {
    summary = 'Licence: no usable Entra ID P1/P2.'
    warnings.push(
      'No usable Entra ID P1 or P2 licence: trust settings (MFA, compliant devices) need Entra ID P1 in the customer tenant.',
    )
  } else {
    const skus = facts.grantingSkus.join(', ')
    summary =
      facts.levelState === 'grace_period'
        ? `Licence: ${LEVEL_NAME[facts.level]} (${skus}), expired and in its grace period.`
        : `Licence: ${LEVEL_NAME[facts.level]} (${skus}).`
    if (facts.levelState === 'grace_period') {
      warnings.push(
        `The ${LEVEL_NAME[facts.level]} subscription (${skus}) has expired and is in its grace period: trust settings work until it is suspended. Ask the customer to renew it.`,
      )
    }
  }
  for (const sub of facts.entraSubscriptions) {
    if (sub.state === 'active' || sub.state === 'grace_period') continue
    const matters = facts.level === 'none' || (facts.level === 'p1' && sub.level === 'p2')
    if (!matters) continue
    const text =
      sub.state === 'unknown' ? `${STATE_TEXT.unknown} (${sub.capabilityStatus})` : STATE_TEXT[sub.state]
    warnings.push(`${LEVEL_NAME[sub.level]} subscription ${sub.skuPartNumber} ${text}.`)
  }
  return { summary, warnings }
}
