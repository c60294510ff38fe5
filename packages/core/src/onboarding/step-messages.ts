// What staff read on a succeeded onboarding step.

export function accessVerifiedMessage(proof: {
  tid: string
  roles: readonly string[]
  via: 'token-claims' | 'graph-call'
}): string {
  return proof.via === 'token-claims'
    ? `Access verified for tenant ${proof.tid} (${proof.roles.join(', ')}).`
    : `Access verified for tenant ${proof.tid} (Microsoft Graph let us read its cross-tenant access policy).`
}

export function policyAppliedMessage(
  outcome: 'unchanged' | 'created' | 'patched',
  partnerTenantId: string,
): string {
  if (outcome === 'unchanged') return 'The partner entry already matched the policy; nothing was changed.'
  if (outcome === 'created') return `Partner ${partnerTenantId} added with the policy settings.`
  return 'The existing partner entry was updated to the policy settings.'
}

export function prerequisitesMessage(facts: {
  displayName: string | null
  verifiedDomains: readonly string[]
  licenceSummary: string
  partnerExists: boolean
  warnings: readonly string[]
}): string {
  return [
    `Tenant "${String(facts.displayName)}" (${facts.verifiedDomains.join(', ') || 'no verified domains'}).`,
    facts.licenceSummary,
    facts.partnerExists
      ? 'A partner entry for the partner already exists and will be updated.'
      : 'No partner entry yet; it will be created.',
    ...facts.warnings,
  ].join(' ')
}
