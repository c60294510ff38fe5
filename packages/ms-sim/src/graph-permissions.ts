// Microsoft Graph application permissions the simulator knows by name (ids as in Microsoft's permissions
// reference), shown on the admin consent page and used for authorization checks.
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'
export const GRAPH_RESOURCE = 'https://graph.microsoft.com'

export const GRAPH_APP_ROLES: Record<string, { id: string; description: string }> = {
  'Policy.ReadWrite.CrossTenantAccess': {
    id: '338163d7-f101-4c92-94ba-ca46fe52447c',
    description: "Read and write your organization's cross tenant access policies",
  },
  'Policy.Read.All': {
    id: '246dd0d5-5bd0-4def-940b-0421030a5b68',
    description: "Read your organization's policies",
  },
  'Organization.Read.All': {
    id: '498476ce-e0fe-48b0-b801-37ba7e2685c6',
    description: 'Read organization information',
  },
  'Directory.Read.All': { id: '7ab1d382-f21e-4acd-a863-ba3e13f7da61', description: 'Read directory data' },
  'AuditLog.Read.All': {
    id: 'b0afded3-3588-46d8-8b3d-9842eff778da',
    description: 'Read all audit log data',
  },
  'CrossTenantInformation.ReadBasic.All': {
    id: 'cac88765-0581-4025-9725-5ebc13f729ee',
    description: 'Read cross-tenant basic information',
  },
}

/** Roles that allow reading partner/default policies (least privileged first). */
export const POLICY_READ_ROLES = ['Policy.Read.All', 'Policy.ReadWrite.CrossTenantAccess']
export const POLICY_WRITE_ROLES = ['Policy.ReadWrite.CrossTenantAccess']
/** /organization and /subscribedSkus with an app-only token. */
export const DIRECTORY_READ_ROLES = [
  'Organization.Read.All',
  'Directory.Read.All',
  'Organization.ReadWrite.All',
  'Directory.ReadWrite.All',
]
