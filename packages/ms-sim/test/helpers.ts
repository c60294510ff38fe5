// Shared setup for the conformance tests: a simulator with the demo seed, and the REAL MSAL and Graph
// clients configured exactly as the product configures them (authority on MS_LOGIN_URL, knownAuthorities,
// authorityMetadata with {tenant} placeholders; Graph baseUrl + customHosts).
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { ConfidentialClientApplication } from '@azure/msal-node'
import { Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client'
import type { Middleware } from '@microsoft/microsoft-graph-client'
import {
  buildDemoSeed,
  createClientCertificate,
  DEMO_IDS,
  INSTANT_CONSISTENCY,
  startSimulator,
} from '../src/index.ts'
import type { ClientCertificate, RunningSimulator, SimSeed } from '../src/index.ts'

export { DEMO_IDS }
export const APP_SECRET = 'test-app-secret'
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'
export const PARTNER = DEMO_IDS.partnerTenantId
export const CONTOSO = DEMO_IDS.customers.contoso
export const FABRIKAM = DEMO_IDS.customers.fabrikam
export const NORTHWIND = DEMO_IDS.customers.northwind

let certPromise: Promise<ClientCertificate> | undefined
export function appCertificate(): Promise<ClientCertificate> {
  certPromise ??= createClientCertificate('CN=crosstrust-test')
  return certPromise
}

export async function testSeed(extra: Partial<Parameters<typeof buildDemoSeed>[0]> = {}): Promise<SimSeed> {
  const cert = await appCertificate()
  // The simulator's own tests pin the app's roles; the product's current list is buildDemoSeed's default.
  const seed = buildDemoSeed({
    appSecret: APP_SECRET,
    appCertificatePem: cert.certPem,
    graphRoles: ['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All'],
    ...extra,
  })
  return seed
}

/** The demo seed where Contoso has already consented (long ago) to the app. */
export async function testSeedWithContoso(): Promise<SimSeed> {
  const seed = await testSeed()
  const contoso = seed.tenants?.find((t) => t.id === CONTOSO)
  if (contoso) contoso.consents = [...(contoso.consents ?? []), { clientId: DEMO_IDS.appClientId }]
  return seed
}

/** testSeedWithContoso with instant consistency: single-request semantics, without read lag or 404 after a create. */
export async function instantSeedWithContoso(): Promise<SimSeed> {
  return { ...(await testSeedWithContoso()), settings: { ...INSTANT_CONSISTENCY } }
}

export async function startTestSim(): Promise<RunningSimulator> {
  return startSimulator({ seed: await testSeedWithContoso() })
}

// The simulator, token and Graph client of the running test file. ES modules export live bindings: the
// hooks of useTestSim / useContosoGraph assign them, and tests read the current value.
export let sim: RunningSimulator
export let token: string
export let g: Client

/** One simulator per test file: started before its tests, closed after them, reset before each test. */
export function useTestSim(
  reset: (s: RunningSimulator) => Promise<void> | void = (s) => {
    s.state.reset()
  },
): void {
  beforeAll(async () => {
    sim = await startTestSim()
  })
  afterAll(async () => {
    await sim.close()
  })
  beforeEach(async () => {
    await reset(sim)
  })
}

/**
 * useTestSim, reset to `seed()` before each test, with `g` a Graph client holding a fresh app token for
 * Contoso (granted `roles` a day ago when given).
 */
export function useContosoGraph(seed: () => Promise<SimSeed>, roles?: string[]): void {
  useTestSim(async (s) => {
    s.state.reset(await seed())
    if (roles) s.state.grantConsent(CONTOSO, DEMO_IDS.appClientId, { roles, ageSeconds: 86_400 })
    token = await appToken(s, CONTOSO)
    g = graph(s, () => token)
  })
}

export const PARTNERS = '/policies/crossTenantAccessPolicy/partners'

/** Graph client middleware options that turn its retries off for one request. */
export const noRetry = [new RetryHandlerOptions(0, 0)]

/** The GraphError a request fails with (anything else, or success, fails the test). */
export async function graphError(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p
  } catch (e) {
    if (e instanceof GraphError) return e
    throw e
  }
  throw new Error('expected a GraphError')
}

/** fetch options for a JSON request to the control API. */
export const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
})

export function authorityMetadata(loginUrl: string): string {
  return JSON.stringify({
    authorization_endpoint: `${loginUrl}/{tenant}/oauth2/v2.0/authorize`,
    token_endpoint: `${loginUrl}/{tenant}/oauth2/v2.0/token`,
    issuer: `${loginUrl}/{tenant}/v2.0`,
    jwks_uri: `${loginUrl}/{tenant}/discovery/v2.0/keys`,
    end_session_endpoint: `${loginUrl}/{tenant}/oauth2/v2.0/logout`,
  })
}

export function cca(
  sim: RunningSimulator,
  cred: { secret: string } | { cert: ClientCertificate; sha1?: boolean },
  clientId: string = DEMO_IDS.appClientId,
  opts: { metadata?: boolean } = {},
): ConfidentialClientApplication {
  const host = new URL(sim.loginUrl).host
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: `${sim.loginUrl}/organizations`,
      knownAuthorities: [host],
      ...(opts.metadata === false ? {} : { authorityMetadata: authorityMetadata(sim.loginUrl) }),
      ...('secret' in cred
        ? { clientSecret: cred.secret }
        : {
            clientCertificate: cred.sha1
              ? // eslint-disable-next-line @typescript-eslint/no-deprecated -- SHA-1 thumbprints are still accepted by Entra; tested on purpose
                { thumbprint: cred.cert.thumbprintSha1, privateKey: cred.cert.keyPem }
              : { thumbprintSha256: cred.cert.thumbprintSha256, privateKey: cred.cert.keyPem },
          }),
    },
  })
}

export async function appToken(
  sim: RunningSimulator,
  tenantId: string,
  secret = APP_SECRET,
): Promise<string> {
  const r = await cca(sim, { secret }).acquireTokenByClientCredential({
    scopes: [GRAPH_SCOPE],
    authority: `${sim.loginUrl}/${tenantId}`,
    skipCache: true,
  })
  if (!r) throw new Error('no token')
  return r.accessToken
}

/** A Graph client as the product builds it; retries off unless a test turns them on per request. */
export function graph(
  sim: RunningSimulator,
  token: () => Promise<string> | string,
  middleware?: Middleware,
): Client {
  if (middleware)
    return Client.initWithMiddleware({
      middleware,
      baseUrl: `${sim.graphUrl}/`,
      customHosts: new Set(['127.0.0.1']),
    })
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => token() },
    baseUrl: `${sim.graphUrl}/`,
    customHosts: new Set(['127.0.0.1']),
  })
}

export function decode(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
}

export const desiredPartner = (tenantId: string): Record<string, unknown> => ({
  tenantId,
  b2bCollaborationInbound: {
    usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: {
      accessType: 'allowed',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    },
  },
  inboundTrust: {
    isMfaAccepted: true,
    isCompliantDeviceAccepted: true,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  automaticUserConsentSettings: { inboundAllowed: false },
})
