// The status page's wording, from the services' view: pure, unit tested without HTTP.
import type { StatusPageView } from '@crosstrust/services'

type Json = StatusPageView['settings'][number]['expected']

/** A policy value as an admin reads it in the Entra admin center. */
export function describeValue(value: Json | undefined): string {
  if (value === undefined) return 'Not read yet'
  if (value === null) return 'Inherited from your default settings'
  if (value === true) return 'Yes'
  if (value === false) return 'No'
  if (typeof value === 'object' && !Array.isArray(value) && typeof value.accessType === 'string') {
    const targets = Array.isArray(value.targets) ? value.targets : []
    const names = targets
      .map((t) =>
        t !== null && typeof t === 'object' && !Array.isArray(t) && typeof t.target === 'string'
          ? t.target
          : '',
      )
      .filter((t) => t !== '')
    const who =
      names.length === 0
        ? ''
        : ` (${names.map((n) => (n === 'AllUsers' || n === 'AllApplications' ? n.replace('All', 'all ').toLowerCase() : n)).join(', ')})`
    return `${value.accessType === 'allowed' ? 'Allowed' : 'Blocked'}${who}`
  }
  return JSON.stringify(value)
}

export const VERDICT_LABELS: Record<string, string> = {
  effective: 'Effective',
  partly: 'Partly effective',
  no_effect: 'No effect',
  blocked: 'Blocked',
  unknown: 'Not known yet',
}

export const OUTCOME_LABELS: Record<string, string> = {
  compliant: 'matches',
  drifted: 'differs from the agreed configuration',
  remediated: 'repaired',
  unknown: 'could not be read',
  access_lost: 'access lost',
  offboarded: 'removed',
  failed: 'failed',
}

/**
 * Who asked for the removal and what became of our entry. "Removed" only once the offboard job deleted the
 * entry (or found it gone); when our access was already lost, the entry is still in their tenant.
 */
export function removalSentence(
  removal: NonNullable<StatusPageView['removal']>,
  partnerName: string,
): string {
  const who = removal.by === 'customer' ? (removal.admin ?? "your organisation's administrator") : partnerName
  const on = removal.removedAt?.toISOString().slice(0, 10) ?? ''
  switch (removal.entry) {
    case 'removing':
      return `Removal requested by ${who}; the partner configuration is being removed. Wait until this page says it is removed before you delete the ${partnerName} application.`
    case 'gone':
      return `Removed on ${on} by ${who}.`
    case 'left_in_tenant':
      return `Monitoring stopped on ${on} at the request of ${who}, but we could not delete our partner entry: our access to your tenant was already removed. The entry is still in your cross-tenant access settings.`
    case 'unknown':
      return `Monitoring stopped on ${on} at the request of ${who}. We cannot confirm that our partner entry was deleted.`
  }
}

/**
 * Where an admin deletes a partner organization themselves (Entra admin center: Cross-tenant access settings,
 * Organizational settings, delete the row).
 */
export const DELETE_PARTNER_ENTRY_DOCS =
  'https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration#remove-an-organization'

/**
 * The Enterprise application of our app in the admin's own tenant (Entra admin center), where they remove it
 * after we removed our partner entry. https://learn.microsoft.com/entra/identity/enterprise-apps/delete-application-portal
 */
export function enterpriseAppUrl(appClientId: string): string {
  return `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/appId/${encodeURIComponent(appClientId)}`
}
