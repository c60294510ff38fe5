// Seed and control-API input for the tenant's Graph-side policies and facts beyond cross-tenant access:
// Conditional Access policies, the authorization policy, identity synchronization policies of partners,
// licence states per SKU, and which cloud the tenant lives in (as OpenID discovery reports it).
// Shapes follow Microsoft Learn:
//   https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/resources/authorizationpolicy?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/resources/crosstenantidentitysyncpolicypartner?view=graph-rest-1.0
//   https://learn.microsoft.com/graph/api/resources/subscribedsku?view=graph-rest-1.0
import { z } from 'zod'

/** The tenant behind every personal Microsoft account ("consumers"); it has no domains. */
export const MSA_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad'

const strings = z.array(z.string()).default([])

/** conditionalAccessGuestOrExternalUserTypes is a flags enum: a comma-separated list of these. */
export const GUEST_OR_EXTERNAL_USER_TYPES = [
  'none',
  'internalGuest',
  'b2bCollaborationGuest',
  'b2bCollaborationMember',
  'b2bDirectConnectUser',
  'otherExternalUser',
  'serviceProvider',
  'unknownFutureValue',
] as const

const guestsOrExternalUsersSchema = z
  .object({
    guestOrExternalUserTypes: z
      .string()
      .refine(
        (v) =>
          v.split(',').every((p) => (GUEST_OR_EXTERNAL_USER_TYPES as readonly string[]).includes(p.trim())),
        { error: `comma-separated values of ${GUEST_OR_EXTERNAL_USER_TYPES.join(', ')}` },
      ),
    externalTenants: z
      .object({
        '@odata.type': z.string().optional(),
        membershipKind: z.enum(['all', 'enumerated', 'unknownFutureValue']),
        members: z.array(z.string()).optional(),
      })
      .nullable()
      .default(null),
  })
  .nullable()
  .default(null)

export const conditionalAccessPolicyInputSchema = z.object({
  id: z.string().optional(),
  templateId: z.string().nullable().default(null),
  displayName: z.string().min(1),
  createdDateTime: z.string().optional(),
  modifiedDateTime: z.string().nullable().optional(),
  state: z.enum(['enabled', 'disabled', 'enabledForReportingButNotEnforced']),
  conditions: z.object({
    users: z.object({
      includeUsers: strings,
      excludeUsers: strings,
      includeGroups: strings,
      excludeGroups: strings,
      includeRoles: strings,
      excludeRoles: strings,
      includeGuestsOrExternalUsers: guestsOrExternalUsersSchema,
      excludeGuestsOrExternalUsers: guestsOrExternalUsersSchema,
    }),
    applications: z
      .object({
        includeApplications: strings,
        excludeApplications: strings,
        includeUserActions: strings,
        includeAuthenticationContextClassReferences: strings,
        applicationFilter: z.record(z.string(), z.unknown()).nullable().default(null),
      })
      .default({
        includeApplications: [],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      }),
    clientAppTypes: z
      .array(z.enum(['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'other']))
      .default(['all']),
    userRiskLevels: strings,
    signInRiskLevels: strings,
    servicePrincipalRiskLevels: strings,
    insiderRiskLevels: z.string().nullable().default(null),
    platforms: z.record(z.string(), z.unknown()).nullable().default(null),
    locations: z.record(z.string(), z.unknown()).nullable().default(null),
    devices: z.record(z.string(), z.unknown()).nullable().default(null),
    clientApplications: z.record(z.string(), z.unknown()).nullable().default(null),
    authenticationFlows: z.record(z.string(), z.unknown()).nullable().default(null),
  }),
  grantControls: z
    .object({
      operator: z.enum(['AND', 'OR']),
      builtInControls: z
        .array(
          z.enum([
            'block',
            'mfa',
            'compliantDevice',
            'domainJoinedDevice',
            'approvedApplication',
            'compliantApplication',
            'passwordChange',
            'unknownFutureValue',
          ]),
        )
        .default([]),
      customAuthenticationFactors: strings,
      termsOfUse: strings,
      /** An authenticationStrengthPolicy (at least its id); Graph returns it expanded. */
      authenticationStrength: z.object({ id: z.string() }).catchall(z.unknown()).nullable().default(null),
    })
    .nullable()
    .default(null),
  sessionControls: z
    .object({
      applicationEnforcedRestrictions: z.record(z.string(), z.unknown()).nullable().default(null),
      cloudAppSecurity: z.record(z.string(), z.unknown()).nullable().default(null),
      persistentBrowser: z.record(z.string(), z.unknown()).nullable().default(null),
      disableResilienceDefaults: z.boolean().nullable().default(null),
      signInFrequency: z
        .object({
          value: z.number().int().positive().nullable().default(null),
          type: z.enum(['days', 'hours']).nullable().default(null),
          authenticationType: z
            .enum(['primaryAndSecondaryAuthentication', 'secondaryAuthentication'])
            .default('primaryAndSecondaryAuthentication'),
          frequencyInterval: z.enum(['timeBased', 'everyTime']).default('timeBased'),
          isEnabled: z.boolean(),
        })
        .nullable()
        .default(null),
    })
    .nullable()
    .default(null),
})
export type ConditionalAccessPolicyInput = z.input<typeof conditionalAccessPolicyInputSchema>
export type ConditionalAccessPolicy = z.output<typeof conditionalAccessPolicyInputSchema> & {
  id: string
  createdDateTime: string
  modifiedDateTime: string | null
}

/** Built-in guest role ids a tenant can pick for guestUserRoleId (authorizationPolicy docs). */
export const GUEST_ROLE_IDS = {
  user: 'a0b1b346-4d3e-4e8b-98f8-753987be4970',
  guestUser: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
  restrictedGuestUser: '2af84b1e-32c8-42b7-82bc-daa82404023b',
} as const

export const authorizationPolicyPatchSchema = z
  .object({
    allowInvitesFrom: z.enum([
      'none',
      'adminsAndGuestInviters',
      'adminsGuestInvitersAndAllMembers',
      'everyone',
    ]),
    allowedToSignUpEmailBasedSubscriptions: z.boolean(),
    allowedToUseSSPR: z.boolean(),
    allowEmailVerifiedUsersToJoinOrganization: z.boolean(),
    allowUserConsentForRiskyApps: z.boolean().nullable(),
    blockMsolPowerShell: z.boolean(),
    guestUserRoleId: z.enum([
      GUEST_ROLE_IDS.user,
      GUEST_ROLE_IDS.guestUser,
      GUEST_ROLE_IDS.restrictedGuestUser,
    ]),
    defaultUserRolePermissions: z
      .object({
        allowedToCreateApps: z.boolean(),
        allowedToCreateSecurityGroups: z.boolean(),
        allowedToCreateTenants: z.boolean().nullable(),
        allowedToReadBitlockerKeysForOwnedDevice: z.boolean().nullable(),
        allowedToReadOtherUsers: z.boolean(),
        permissionGrantPoliciesAssigned: z.array(z.string()),
      })
      .strict()
      .partial(),
  })
  .strict()
  .partial()
export type AuthorizationPolicyPatch = z.infer<typeof authorizationPolicyPatchSchema>

export const identitySyncInputSchema = z
  .object({
    displayName: z.string().nullable().default(null),
    userSyncInbound: z.object({ isSyncAllowed: z.boolean().nullable() }).strict().nullable().default(null),
  })
  .strict()
export type IdentitySyncInput = z.input<typeof identitySyncInputSchema>

/** subscribedSku.capabilityStatus values (Microsoft Learn, subscribedSku resource). */
export const skuCapabilityStatusSchema = z.enum(['Enabled', 'Warning', 'Suspended', 'Deleted', 'LockedOut'])
export type SkuCapabilityStatus = z.infer<typeof skuCapabilityStatusSchema>

/** The cloud a tenant lives in, as its OpenID discovery document reports it. */
export const cloudSeedSchema = z.object({
  cloudInstanceName: z
    .enum(['microsoftonline.com', 'microsoftonline.us', 'partner.microsoftonline.cn'])
    .default('microsoftonline.com'),
  /** Default per cloud: EU (this simulator's public-cloud tenants), USGov, AS. */
  tenantRegionScope: z.string().nullable().optional(),
  /** e.g. GCC (public cloud), DODCON (GCC High), DOD. Omitted from the document when absent. */
  tenantRegionSubScope: z.string().optional(),
})
export type CloudSeed = z.input<typeof cloudSeedSchema>

/** Fields spread into the tenant seed. */
export const tenantGraphSeedShape = {
  conditionalAccessPolicies: z.array(conditionalAccessPolicyInputSchema).default([]),
  authorizationPolicy: authorizationPolicyPatchSchema.optional(),
  /** Identity synchronization policies of partner entries (the partner entry must be seeded too). */
  identitySynchronization: z
    .array(
      z.object({
        tenantId: z.string(),
        displayName: z.string().nullable().optional(),
        userSyncInbound: z.object({ isSyncAllowed: z.boolean().nullable() }).nullable().optional(),
      }),
    )
    .default([]),
  /** capabilityStatus per SKU part number (e.g. { AAD_PREMIUM_P2: 'Suspended' }); absent = Enabled. */
  skuStatuses: z.record(z.string(), skuCapabilityStatusSchema).default({}),
  cloud: cloudSeedSchema.optional(),
}
