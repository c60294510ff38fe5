// The demo world: the partner "Truesec Detect AB" with its staff and its multi-tenant app, and a few
// customer tenants in different states (P2 licensed; no P1; P1 with a drifted partner entry).
// The product's demo script reuses this through buildDemoSeed().
import type { SimSeed } from './seed-schema.ts'

export const DEMO_IDS = {
  partnerTenantId: '07d2f395-f69c-43ab-88a2-b82f1151042d',
  appClientId: '5e0c2a71-8c1b-4f3d-9a6e-2b7d4c1f8a90',
  staffAppClientId: 'c7a9e3b2-4d6f-4a1b-8e2c-9f0d1a3b5c7e',
  customers: {
    contoso: '6b1c0f7a-2d3e-4c5f-9a8b-1e2d3c4b5a60',
    fabrikam: '9c5d131d-b1c3-4fc4-9e3f-c6557947d551',
    northwind: '2f8e7d6c-5b4a-4392-8170-6a5b4c3d2e1f',
  },
  staff: {
    viewer: 'a1111111-1111-4111-8111-111111111111',
    operator: 'a2222222-2222-4222-8222-222222222222',
    admin: 'a3333333-3333-4333-8333-333333333333',
    noRole: 'a4444444-4444-4444-8444-444444444444',
  },
} as const

export interface DemoSeedOptions {
  partnerTenantId?: string
  partnerName?: string
  partnerDomain?: string
  /** The partner's multi-tenant app (Crosstrust's APP_CLIENT_ID). */
  appClientId?: string
  appSecret?: string
  /** PEM certificate registered on the app (APP_CLIENT_CERTIFICATE_PATH's public part). */
  appCertificatePem?: string
  /** Consent callback URIs registered on the multi-tenant app. */
  redirectUris?: string[]
  graphRoles?: string[]
  staffAppClientId?: string
  staffAppSecret?: string
  /** OIDC sign-in callback URIs registered on the staff app. */
  staffRedirectUris?: string[]
}

export function buildDemoSeed(o: DemoSeedOptions = {}): SimSeed {
  const partner = (o.partnerTenantId ?? DEMO_IDS.partnerTenantId).toLowerCase()
  const appId = (o.appClientId ?? DEMO_IDS.appClientId).toLowerCase()
  const staffAppId = (o.staffAppClientId ?? DEMO_IDS.staffAppClientId).toLowerCase()
  // The partner app's application permissions (README "Permissions"): write the partner entry, read the
  // organization and licences, read Conditional Access and authorization policies (effective trust).
  const graphRoles = o.graphRoles ?? [
    'Policy.ReadWrite.CrossTenantAccess',
    'Organization.Read.All',
    'Policy.Read.All',
  ]
  const staff = (id: string, name: string, upn: string, roles: string[]) => ({
    id,
    displayName: name,
    userPrincipalName: `${upn}@${o.partnerDomain ?? 'truesecdetect.io'}`,
    appRoles: roles.length > 0 ? { [staffAppId]: roles } : {},
  })
  return {
    apps: [
      {
        clientId: appId,
        displayName: 'Crosstrust by Truesec Detect',
        homeTenantId: partner,
        signInAudience: 'AzureADMultipleOrgs',
        secrets: [o.appSecret ?? 'demo-app-secret-not-for-production'],
        certificates: o.appCertificatePem ? [o.appCertificatePem] : [],
        redirectUris: o.redirectUris ?? [
          'http://127.0.0.1:3000/consent/callback',
          'http://127.0.0.1:3000/consent/signed-in',
          'http://127.0.0.1:3000/status/signed-in',
          'http://localhost:3000/consent/callback',
          'http://localhost:3000/consent/signed-in',
          'http://localhost:3000/status/signed-in',
        ],
        requiredGraphRoles: graphRoles,
        // The status page lets only a Global or Security Administrator remove us: it reads their `wids`.
        groupMembershipClaims: 'DirectoryRole',
      },
      {
        clientId: staffAppId,
        displayName: 'Crosstrust Staff',
        homeTenantId: partner,
        signInAudience: 'AzureADMyOrg',
        secrets: [o.staffAppSecret ?? 'demo-staff-secret-not-for-production'],
        redirectUris: o.staffRedirectUris ?? [
          'http://127.0.0.1:3000/auth/callback',
          'http://localhost:3000/auth/callback',
        ],
        appRoles: ['Viewer', 'Operator', 'Admin'],
        exposedScopes: ['access_as_user'],
        identifierUri: `api://${staffAppId}`,
      },
    ],
    tenants: [
      {
        id: partner,
        displayName: o.partnerName ?? 'Truesec Detect AB',
        domains: [o.partnerDomain ?? 'truesecdetect.io', 'truesecdetect.onmicrosoft.com'],
        licence: 'P2',
        users: [
          staff(DEMO_IDS.staff.viewer, 'Vera Viewer', 'vera', ['Viewer']),
          staff(DEMO_IDS.staff.operator, 'Oskar Operator', 'oskar', ['Operator']),
          staff(DEMO_IDS.staff.admin, 'Alva Admin', 'alva', ['Admin']),
          staff(DEMO_IDS.staff.noRole, 'Nils NoRole', 'nils', []),
        ],
        // Lets the CLI/bench use client credentials against the partner's own tenant.
        consents: [{ clientId: appId, roles: graphRoles }],
      },
      {
        id: DEMO_IDS.customers.contoso,
        displayName: 'Contoso Manufacturing AB',
        domains: ['contoso-manufacturing.se', 'contosomfg.onmicrosoft.com'],
        licence: 'P2',
        users: [
          {
            displayName: 'Carl Contoso (Global Administrator)',
            userPrincipalName: 'carl@contoso-manufacturing.se',
            directoryRoles: ['Global Administrator'],
          },
        ],
      },
      {
        id: DEMO_IDS.customers.fabrikam,
        displayName: 'Fabrikam Retail',
        domains: ['fabrikam-retail.example', 'fabrikamretail.onmicrosoft.com'],
        licence: 'none',
        users: [
          {
            displayName: 'Frida Fabrikam (Global Administrator)',
            userPrincipalName: 'frida@fabrikam-retail.example',
            directoryRoles: ['Global Administrator'],
          },
        ],
      },
      {
        id: DEMO_IDS.customers.northwind,
        displayName: 'Northwind Traders',
        domains: ['northwindtraders.example', 'northwindtraders.onmicrosoft.com'],
        licence: 'P1',
        users: [
          {
            displayName: 'Nadia Northwind (Global Administrator)',
            userPrincipalName: 'nadia@northwindtraders.example',
            directoryRoles: ['Global Administrator'],
          },
        ],
        // An entry an admin once made by hand: trusts nothing, automatic redemption on.
        partners: [
          {
            tenantId: partner,
            inboundTrust: {
              isMfaAccepted: false,
              isCompliantDeviceAccepted: false,
              isHybridAzureADJoinedDeviceAccepted: false,
            },
            automaticUserConsentSettings: { inboundAllowed: true, outboundAllowed: null },
          },
        ],
      },
    ],
  }
}
