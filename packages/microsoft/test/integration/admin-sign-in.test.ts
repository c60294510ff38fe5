// The customer administrator's OpenID Connect sign-in, with the real MSAL client against the simulator: the
// code is redeemed with PKCE and the ID token is verified here. Tokens that must be refused are signed by the
// simulator's own key (so only the claim under test is wrong) or by a foreign key.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { buildDemoSeed, DEMO_IDS, startSimulator, type RunningSimulator } from '@crosstrust/ms-sim'
import { importPKCS8, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AdminSignInError,
  createAdminSignIn,
  createIdTokenVerifier,
  type AdminSignIn,
  type SignInRequest,
} from '../../src/index.ts'

const SECRET = 'admin-sign-in-test-secret-0123456789'
const REDIRECT = 'http://127.0.0.1:9/consent/signed-in'
const CLIENT = DEMO_IDS.appClientId
const CONTOSO = DEMO_IDS.customers.contoso

let sim: RunningSimulator
let signIn: AdminSignIn

beforeAll(async () => {
  sim = await startSimulator({ seed: buildDemoSeed({ appSecret: SECRET, redirectUris: [REDIRECT] }) })
  signIn = createAdminSignIn({
    loginUrl: sim.loginUrl,
    clientId: CLIENT,
    credential: { kind: 'secret', secret: SECRET },
    redirectUri: REDIRECT,
  })
})
afterAll(async () => {
  await sim.close()
})

const fresh = (): SignInRequest => ({
  state: randomBytes(16).toString('base64url'),
  nonce: randomBytes(16).toString('base64url'),
  codeVerifier: randomBytes(32).toString('base64url'),
})

/** Microsoft's account picker: the first user of `tenantId` signs in; returns the authorization code. */
async function signInAt(url: string, tenantId: string): Promise<string> {
  const authorize = new URL(url)
  const user = [...(sim.state.getTenant(tenantId)?.users.keys() ?? [])][0] ?? ''
  const form = new URLSearchParams(authorize.searchParams)
  form.set('user_id', user)
  const res = await fetch(`${sim.loginUrl}/${tenantId}/oauth2/v2.0/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  })
  const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code')
  if (!code) throw new Error(`authorize answered ${String(res.status)}`)
  return code
}

describe('admin sign-in', () => {
  it('asks Microsoft for an account on the organizations authority, with PKCE, nonce and select_account', async () => {
    const request = fresh()
    const url = new URL(await signIn.authorizationUrl(request))
    expect(url.pathname).toBe('/organizations/oauth2/v2.0/authorize')
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      response_type: 'code',
      response_mode: 'query',
      prompt: 'select_account',
      state: request.state,
      nonce: request.nonce,
      code_challenge_method: 'S256',
    })
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('redeems the code and returns the verified tenant and admin from the ID token', async () => {
    const request = fresh()
    const code = await signInAt(await signIn.authorizationUrl(request), CONTOSO)
    const admin = await signIn.complete(code, request)
    const user = [...(sim.state.getTenant(CONTOSO)?.users.values() ?? [])][0]
    expect(admin).toEqual({
      tenantId: CONTOSO,
      oid: user?.id,
      name: user?.displayName,
      username: user?.userPrincipalName,
      // The demo app asks for directory roles (`groupMembershipClaims`): `wids` holds Global Administrator
      // and the default user role every member has.
      directoryRoles: ['62e90394-69f5-4237-9190-012177145e10', 'b79fbf4d-3ef9-4689-8143-76b194e85509'],
    })
    // A code is single use.
    await expect(signIn.complete(code, request)).rejects.toMatchObject({ kind: 'redeem_failed' })
  })

  it('reports the directory roles as unknown (null) when the app does not ask for them', async () => {
    const app = sim.state.getApp(CLIENT)
    if (!app) throw new Error('no app')
    app.groupMembershipClaims = 'None'
    try {
      const request = fresh()
      const code = await signInAt(await signIn.authorizationUrl(request), CONTOSO)
      expect((await signIn.complete(code, request)).directoryRoles).toBeNull()
    } finally {
      app.groupMembershipClaims = 'DirectoryRole'
    }
  })

  it('refuses a code redeemed with another PKCE verifier, and an ID token carrying another nonce', async () => {
    const request = fresh()
    const code = await signInAt(await signIn.authorizationUrl(request), CONTOSO)
    await expect(
      signIn.complete(code, { ...request, codeVerifier: fresh().codeVerifier }),
    ).rejects.toMatchObject({
      kind: 'redeem_failed',
    })
    const second = fresh()
    const other = await signInAt(await signIn.authorizationUrl(second), CONTOSO)
    // MSAL compares the nonce while redeeming, and the verifier compares it again.
    const err = await signIn.complete(other, { ...second, nonce: 'another-nonce' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AdminSignInError)
  })
})

describe('ID token verification', () => {
  const now = () => Math.floor(Date.now() / 1000)
  const claims = (over: Record<string, unknown> = {}) => ({
    aud: CLIENT,
    iss: `${sim.loginUrl}/${CONTOSO}/v2.0`,
    tid: CONTOSO,
    oid: '4d3c2b1a-0000-4000-8000-000000000001',
    nonce: 'n-1',
    iat: now(),
    nbf: now(),
    exp: now() + 3600,
    preferred_username: 'admin@contoso.example',
    ...over,
  })
  const verifier = () => createIdTokenVerifier({ loginUrl: sim.loginUrl, clientId: CLIENT })

  it('accepts a token the tenant signed for us with this nonce', async () => {
    const token = await sim.state.keys.sign(claims())
    expect(await verifier().verify(token, 'n-1')).toMatchObject({
      tenantId: CONTOSO,
      username: 'admin@contoso.example',
    })
  })

  it.each([
    ['another audience', { aud: DEMO_IDS.staffAppClientId }],
    ['a malformed issuer', { iss: 'not-an-issuer' }],
    ['an issuer naming another tenant', { iss: 'ISSUER_OF_PARTNER' }],
    ['an expired token', { exp: now() - 3600, iat: now() - 7200, nbf: now() - 7200 }],
    ['another nonce', { nonce: 'n-2' }],
    ['no nonce', { nonce: undefined }],
    ['no tenant', { tid: undefined }],
    ['no oid', { oid: undefined }],
  ])('refuses %s', async (_name, over) => {
    const patched: Record<string, unknown> = { ...over }
    if (patched.iss === 'ISSUER_OF_PARTNER') patched.iss = `${sim.loginUrl}/${DEMO_IDS.partnerTenantId}/v2.0`
    const token = await sim.state.keys.sign(claims(patched))
    await expect(verifier().verify(token, 'n-1')).rejects.toMatchObject({ kind: 'invalid_token' })
  })

  it('refuses a token signed by another key, and an unsigned one', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const key = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256')
    const foreign = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'foreign' }).sign(key)
    await expect(verifier().verify(foreign, 'n-1')).rejects.toMatchObject({ kind: 'invalid_token' })
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    const body = Buffer.from(JSON.stringify(claims())).toString('base64url')
    await expect(verifier().verify(`${header}.${body}.`, 'n-1')).rejects.toMatchObject({
      kind: 'invalid_token',
    })
  })
})
