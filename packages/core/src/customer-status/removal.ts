// Who may remove the partner configuration from the status page. The only evidence is what Microsoft signed:
// the ID token's `wids` claim, the template ids of the admin's directory roles. A token without it says
// nothing about the roles and removal is refused (fail closed), never guessed.
// `wids` is documented for access tokens, emitted when the app registration's `groupMembershipClaims` is
// DirectoryRole or All: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
// The ID token claims reference does not list it; that ID tokens carry it under the same setting is observed.
// The manifest reference describes the setting (and says SecurityGroup also covers Microsoft Entra roles):
// https://learn.microsoft.com/entra/identity-platform/reference-app-manifest
// `wids` lists active tenant-wide assignments only, so a role that is merely eligible in Privileged Identity
// Management must be activated first: https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-activate-role
// https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference (template ids)
// Configuring cross-tenant access settings needs at least Security Administrator:
// https://learn.microsoft.com/entra/external-id/cross-tenant-access-settings-b2b-collaboration

/** Directory roles allowed to manage cross-tenant access settings, by role template id. */
export const REMOVAL_ROLES = [
  { templateId: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  { templateId: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' },
] as const

export type RemovalPermission =
  | { allowed: true; role: string }
  | { allowed: false; reason: 'roles_unknown' | 'no_allowed_role'; explanation: string }

/**
 * `directoryRoles` is the token's `wids` (null when the claim was absent). Only an allowed role removes; a
 * token without the claim is refused with an explanation, not treated as "no roles" or "any role".
 */
export function mayRemovePartnerConfiguration(directoryRoles: readonly string[] | null): RemovalPermission {
  const allowedNames = REMOVAL_ROLES.map((r) => r.name).join(' or ')
  if (directoryRoles === null) {
    return {
      allowed: false,
      reason: 'roles_unknown',
      explanation: `Microsoft did not tell us your directory roles, so we cannot check that you may change cross-tenant access settings. Remove the partner entry yourself in the Microsoft Entra admin center, or ask us to do it.`,
    }
  }
  const held = new Set(directoryRoles.map((id) => id.toLowerCase()))
  const role = REMOVAL_ROLES.find((r) => held.has(r.templateId))
  if (role === undefined) {
    return {
      allowed: false,
      reason: 'no_allowed_role',
      // An eligible (not activated) PIM role is not in `wids`: the likeliest surprise for a real administrator.
      explanation: `Only a ${allowedNames} of your tenant may remove the partner configuration. If your role is eligible in Privileged Identity Management, activate it and sign in again. You can still see its status here.`,
    }
  }
  return { allowed: true, role: role.name }
}
