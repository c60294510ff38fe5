// The simulated cloud's objects: tenants, users, service principals, app registrations, authorization codes.
import type { KeyObject } from 'node:crypto'
import type { Licence, TenantSettings } from './seed-schema.ts'
import type { TenantGraph } from './graph/tenant-graph.ts'

export type Json = Record<string, unknown>

export interface User {
  id: string
  displayName: string
  userPrincipalName: string
  appRoles: Record<string, string[]>
  /** Directory roles by display name (see `userSeedSchema`). */
  directoryRoles: string[]
}

export interface ServicePrincipal {
  id: string
  appId: string
  /** Graph app roles granted by admin consent. */
  roles: string[]
  consentedAtMs: number
}

export interface Tenant {
  id: string
  displayName: string
  domains: string[]
  licence: Licence
  countryLetterCode: string
  createdDateTime: string
  users: Map<string, User>
  partners: Map<string, Json>
  /** Reads of a partner see `value` until `untilMs` (read-after-write lag). */
  stalePartners: Map<string, { value: Json | null; untilMs: number }>
  /** Partners created over Graph: PATCH/DELETE answer 404 until `untilMs` (createNotFoundSeconds). */
  freshPartners: Map<string, number>
  defaultPolicy: Json
  servicePrincipals: Map<string, ServicePrincipal>
  settings: TenantSettings
  /** Conditional Access, authorization policy, identity sync, licence states, cloud, directory audits. */
  graph: TenantGraph
}

export interface AppCertificate {
  pem: string
  publicKey: KeyObject
  thumbprintSha1: string
  thumbprintSha256: string
}

export interface App {
  clientId: string
  displayName: string
  homeTenantId: string
  signInAudience: 'AzureADMyOrg' | 'AzureADMultipleOrgs'
  secrets: string[]
  certificates: AppCertificate[]
  redirectUris: string[]
  requiredGraphRoles: string[]
  appRoles: string[]
  exposedScopes: string[]
  identifierUri: string
  groupMembershipClaims: 'None' | 'SecurityGroup' | 'DirectoryRole' | 'ApplicationGroup' | 'All'
}

export interface AuthCode {
  code: string
  tenantId: string
  clientId: string
  userId: string
  redirectUri: string
  scope: string
  nonce: string | null
  codeChallenge: string | null
  codeChallengeMethod: string | null
  expiresMs: number
}
