// Which tenants Crosstrust can onboard at all. Two kinds never can, whatever anyone retries:
// - the Microsoft account (consumer) tenant 9188040d-6c67-4c5b-b112-36a304b66dad, which holds personal
//   accounts (outlook.com, hotmail.com, live.com) and has no organization settings to add a partner to;
// - a tenant in another Microsoft cloud (US Government, China) than our app: our app and its consent live in
//   one cloud, and cross-tenant access across clouds needs Microsoft cloud settings and an app in that cloud.
// Sources: docs/microsoft-behaviour.md.

export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad'

export interface TenantDiscoveryFacts {
  tenantId: string
  /** `cloud_instance_name` of the tenant's discovery document. */
  cloudInstanceName?: string | null | undefined
  tenantRegionScope?: string | null | undefined
  tenantRegionSubScope?: string | null | undefined
  /** `cloud_instance_name` of our login endpoint (our app's cloud). */
  endpointCloudInstanceName?: string | null | undefined
}

export type TenantEligibility =
  { eligible: true } | { eligible: false; code: 'consumer_tenant' | 'other_cloud'; reason: string }

const CLOUD_NAMES: Record<string, string> = {
  'microsoftonline.com': 'the global Microsoft cloud',
  'microsoftonline.us': 'Microsoft’s US Government cloud',
  'partner.microsoftonline.cn': 'Microsoft’s China cloud (operated by 21Vianet)',
}

const cloudName = (name: string) => CLOUD_NAMES[name.toLowerCase()] ?? `the Microsoft cloud "${name}"`

export function tenantEligibility(facts: TenantDiscoveryFacts): TenantEligibility {
  if (facts.tenantId.toLowerCase() === CONSUMER_TENANT_ID) {
    return {
      eligible: false,
      code: 'consumer_tenant',
      reason:
        'This is the Microsoft account tenant for personal accounts (outlook.com, hotmail.com, live.com), not an organization: it has no cross-tenant access settings. Ask the customer for their work domain or tenant ID.',
    }
  }
  const theirs = facts.cloudInstanceName
  const ours = facts.endpointCloudInstanceName
  if (theirs && ours && theirs.toLowerCase() !== ours.toLowerCase()) {
    const region = [facts.tenantRegionScope, facts.tenantRegionSubScope].filter(Boolean).join('/')
    return {
      eligible: false,
      code: 'other_cloud',
      reason: `Tenant ${facts.tenantId} is in ${cloudName(theirs)}${region ? ` (${region})` : ''}, not in ${cloudName(ours)} where Crosstrust runs. It cannot be onboarded from here: that needs a Crosstrust deployment and app registration in its cloud.`,
    }
  }
  return { eligible: true }
}
