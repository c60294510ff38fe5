// The simulated Microsoft cloud: tenants (licences, partner entries, default policy, service principals,
// staff users), app registrations, signing keys, behaviour switches, faults and the request log.
// Everything is in memory; `reset()` goes back to the seed.
import { randomUUID } from 'node:crypto'
import { appSeedSchema, simSeedSchema, tenantSeedSchema, userSeedSchema } from './seed-schema.ts'
import type { AppSeed, Licence, SimSeed, TenantSeed, TenantSettings, UserSeed } from './seed-schema.ts'
import { SigningKeys } from './keys.ts'
import { FaultInjector } from './faults.ts'
import { RequestLog } from './request-log.ts'
import { thumbprints } from './certs.ts'
import { createPublicKey } from 'node:crypto'
import { applyPartnerPatch, emptyPartner, serviceDefaultPolicy } from './graph/partner-model.ts'
import { emptyTenantGraph, seedTenantGraph } from './graph/tenant-graph.ts'
import { MSA_TENANT_ID } from './graph-seed-schema.ts'
import { DEFAULT_SETTINGS } from './settings.ts'
import type { App, AuthCode, Json, ServicePrincipal, Tenant, User } from './sim-model.ts'
import { isStillReplicating, listPartners, markCreated, readPartner, writePartner } from './partner-store.ts'
import { appSummary, tenantSummary } from './summaries.ts'

export type { App, AppCertificate, AuthCode, Json, ServicePrincipal, Tenant, User } from './sim-model.ts'

export interface SimStateOptions {
  requestLogCap?: number
}

export class SimState {
  readonly tenants = new Map<string, Tenant>()
  private readonly domainIndex = new Map<string, Tenant>()
  readonly apps = new Map<string, App>()
  readonly authCodes = new Map<string, AuthCode>()
  readonly refreshTokens = new Map<
    string,
    Omit<AuthCode, 'code' | 'expiresMs' | 'codeChallenge' | 'codeChallengeMethod' | 'redirectUri'>
  >()
  settings: Required<TenantSettings> = { ...DEFAULT_SETTINGS }
  readonly faults = new FaultInjector()
  readonly requests: RequestLog
  /** Opaque Graph access tokens issued (`graphTokenFormat: opaque`) and the claims they stand for. */
  readonly opaqueTokens = new Map<string, Record<string, unknown>>()
  /** Per origin|tenant|client: when the last Retry-After given elapses (to flag early retries). */
  readonly retryGates = new Map<string, number>()
  /** Filled in by the server once listening. */
  loginUrl = ''
  graphUrl = ''

  private constructor(
    readonly keys: SigningKeys,
    private seed: SimSeed,
    opts: SimStateOptions,
  ) {
    this.requests = new RequestLog(opts.requestLogCap ?? 200_000)
  }

  static async create(seed: SimSeed = {}, opts: SimStateOptions = {}): Promise<SimState> {
    const s = new SimState(await SigningKeys.create(), seed, opts)
    s.load(seed)
    return s
  }

  private load(seed: SimSeed): void {
    const parsed = simSeedSchema.parse(seed)
    this.settings = { ...DEFAULT_SETTINGS, ...parsed.settings }
    for (const a of parsed.apps) this.createApp(a)
    for (const t of parsed.tenants) this.createTenant(t)
  }

  /** Back to the seed: tenants, apps, switches, faults and log all reset (signing keys are kept). */
  reset(seed: SimSeed = this.seed): void {
    this.seed = seed
    this.tenants.clear()
    this.domainIndex.clear()
    this.apps.clear()
    this.authCodes.clear()
    this.refreshTokens.clear()
    this.faults.clear()
    this.requests.clear()
    this.retryGates.clear()
    this.load(seed)
  }

  // ---------- tenants ----------

  createTenant(input: TenantSeed): Tenant {
    const t = tenantSeedSchema.parse(input)
    const id = t.id.toLowerCase()
    if (this.tenants.has(id)) throw new Error(`tenant ${id} already exists`)
    const domains = [...t.domains.map((d) => d.toLowerCase())]
    // The Microsoft account (consumer) tenant has no domains at all.
    if (id !== MSA_TENANT_ID && !domains.some((d) => d.endsWith('.onmicrosoft.com'))) {
      const base = (domains[0] ?? 'tenant').split('.')[0]?.replace(/[^a-z0-9]/g, '') ?? 'tenant'
      domains.push(`${base}.onmicrosoft.com`)
    }
    for (const d of domains) {
      if (this.domainIndex.has(d)) throw new Error(`domain ${d} is already verified in another tenant`)
    }
    const tenant: Tenant = {
      id,
      displayName: t.displayName,
      domains,
      licence: t.licence,
      countryLetterCode: t.countryLetterCode ?? 'SE',
      createdDateTime: new Date(Date.now() - 400 * 24 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      users: new Map(),
      partners: new Map(),
      stalePartners: new Map(),
      freshPartners: new Map(),
      defaultPolicy: serviceDefaultPolicy(),
      servicePrincipals: new Map(),
      settings: t.settings ?? {},
      graph: emptyTenantGraph(),
    }
    this.tenants.set(id, tenant)
    for (const d of domains) this.domainIndex.set(d, tenant)
    for (const u of t.users) this.addUser(id, u)
    for (const p of t.partners) {
      const pid = typeof p.tenantId === 'string' ? p.tenantId.toLowerCase() : ''
      if (!pid) throw new Error(`partner entry without tenantId in tenant ${id}`)
      const { tenantId: _key, ...props } = p
      tenant.partners.set(pid, applyPartnerPatch(emptyPartner(pid), props))
    }
    tenant.graph = seedTenantGraph(new Set(tenant.partners.keys()), t, id === MSA_TENANT_ID)
    // The home tenant of an app always has its service principal (created with the registration).
    for (const app of this.apps.values()) {
      if (app.homeTenantId === id && !tenant.servicePrincipals.has(app.clientId))
        this.grantConsent(id, app.clientId, { roles: [], ageSeconds: 86_400 })
    }
    for (const c of t.consents)
      this.grantConsent(id, c.clientId, { roles: c.roles, ageSeconds: c.ageSeconds ?? 86_400 })
    return tenant
  }

  deleteTenant(tenantId: string): boolean {
    const t = this.getTenant(tenantId)
    if (!t) return false
    for (const d of t.domains) this.domainIndex.delete(d)
    return this.tenants.delete(t.id)
  }

  getTenant(id: string): Tenant | undefined {
    return this.tenants.get(id.toLowerCase())
  }

  /** Resolves a path segment that may be a tenant id or any verified domain (case-insensitive). */
  resolveTenant(segment: string): Tenant | undefined {
    const s = segment.toLowerCase()
    return this.tenants.get(s) ?? this.domainIndex.get(s)
  }

  setLicence(tenantId: string, licence: Licence): void {
    this.requireTenant(tenantId).licence = licence
  }

  requireTenant(id: string): Tenant {
    const t = this.getTenant(id)
    if (!t) throw new Error(`unknown tenant ${id}`)
    return t
  }

  /** Effective behaviour switches for a tenant (tenant override, else global). */
  settingsFor(tenant: Tenant): Required<TenantSettings> {
    // Hot path (every Graph request): most tenants override nothing.
    for (const k in tenant.settings) {
      if ((tenant.settings as Record<string, unknown>)[k] !== undefined)
        return { ...this.settings, ...stripUndefined(tenant.settings) }
    }
    return this.settings
  }

  addUser(tenantId: string, input: UserSeed): User {
    const u = userSeedSchema.parse(input)
    const t = this.requireTenant(tenantId)
    const user: User = {
      id: (u.id ?? randomUUID()).toLowerCase(),
      displayName: u.displayName,
      userPrincipalName: u.userPrincipalName,
      appRoles: Object.fromEntries(Object.entries(u.appRoles ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      directoryRoles: u.directoryRoles ?? [],
    }
    t.users.set(user.id, user)
    return user
  }

  // ---------- apps & consent ----------

  createApp(input: AppSeed): App {
    const a = appSeedSchema.parse(input)
    const clientId = a.clientId.toLowerCase()
    const app: App = {
      clientId,
      displayName: a.displayName,
      homeTenantId: a.homeTenantId.toLowerCase(),
      signInAudience: a.signInAudience,
      secrets: a.secrets,
      certificates: a.certificates.map((pem) => ({
        pem,
        publicKey: createPublicKey(pem),
        ...thumbprints(pem),
      })),
      redirectUris: a.redirectUris,
      requiredGraphRoles: a.requiredGraphRoles,
      appRoles: a.appRoles,
      exposedScopes: a.exposedScopes,
      identifierUri: a.identifierUri ?? `api://${clientId}`,
      groupMembershipClaims: a.groupMembershipClaims,
    }
    this.apps.set(clientId, app)
    const home = this.tenants.get(app.homeTenantId)
    if (home && !home.servicePrincipals.has(clientId))
      this.grantConsent(home.id, clientId, { roles: [], ageSeconds: 86_400 })
    return app
  }

  getApp(clientId: string): App | undefined {
    return this.apps.get(clientId.toLowerCase())
  }

  /** Admin consent: creates (or updates) the service principal and grants Graph app roles. */
  grantConsent(
    tenantId: string,
    clientId: string,
    opts: { roles?: string[] | undefined; ageSeconds?: number } = {},
  ): ServicePrincipal {
    const t = this.requireTenant(tenantId)
    const app = this.getApp(clientId)
    if (!app) throw new Error(`unknown app ${clientId}`)
    const existing = t.servicePrincipals.get(app.clientId)
    const sp: ServicePrincipal = {
      id: existing?.id ?? randomUUID(),
      appId: app.clientId,
      roles: [...(opts.roles ?? app.requiredGraphRoles)],
      consentedAtMs: Date.now() - (opts.ageSeconds ?? 0) * 1000,
    }
    t.servicePrincipals.set(app.clientId, sp)
    return sp
  }

  /** The customer removes the app: its service principal is deleted. */
  revokeConsent(tenantId: string, clientId: string): boolean {
    return this.requireTenant(tenantId).servicePrincipals.delete(clientId.toLowerCase())
  }

  /** Removes granted Graph roles (all, or the given ones) but keeps the service principal. */
  removeRoles(tenantId: string, clientId: string, roles?: string[]): ServicePrincipal {
    const sp = this.requireTenant(tenantId).servicePrincipals.get(clientId.toLowerCase())
    if (!sp) throw new Error(`no service principal for ${clientId} in ${tenantId}`)
    sp.roles = roles ? sp.roles.filter((r) => !roles.includes(r)) : []
    return sp
  }

  // ---------- partner entries (eventual consistency: partner-store.ts) ----------

  /** What a Graph read sees now (lagging behind writes if the tenant's readLagSeconds > 0). */
  readPartner(t: Tenant, partnerId: string, nowMs = Date.now()): Json | undefined {
    return readPartner(t, partnerId, nowMs)
  }

  listPartners(t: Tenant, nowMs = Date.now()): Json[] {
    return listPartners(t, nowMs)
  }

  /** Any write (Graph or control API) goes through here so read lag applies uniformly. */
  writePartner(
    t: Tenant,
    partnerId: string,
    value: Json | null,
    lagSeconds = this.settingsFor(t).readLagSeconds,
  ): void {
    writePartner(t, partnerId, value, lagSeconds)
  }

  /** A partner just created over Graph: PATCH/DELETE on it answer 404 for createNotFoundSeconds. */
  markCreated(t: Tenant, partnerId: string): void {
    markCreated(t, partnerId, this.settingsFor(t).createNotFoundSeconds)
  }

  /** True while a PATCH/DELETE of this partner would not find the object created a moment ago. */
  isStillReplicating(t: Tenant, partnerId: string, nowMs = Date.now()): boolean {
    return isStillReplicating(t, partnerId, nowMs)
  }

  // ---------- summaries for the control API (summaries.ts) ----------

  tenantSummary(t: Tenant): Json {
    return tenantSummary(t)
  }

  appSummary(a: App): Json {
    return appSummary(a)
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
