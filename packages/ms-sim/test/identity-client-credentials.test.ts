// Identity platform conformance, driven by the real @azure/msal-node: client credentials by secret and
// certificate, JWKS-verifiable tokens, consent replication, key rotation and the documented AADSTS failures.
import { describe, expect, it } from 'vitest'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import {
  appCertificate,
  APP_SECRET,
  cca,
  CONTOSO,
  decode,
  DEMO_IDS,
  FABRIKAM,
  GRAPH_SCOPE,
  sim,
  useTestSim,
} from './helpers.ts'

useTestSim()

interface MsalError {
  errorCode: string
  errorMessage: string
  errorNo?: number
  status?: number
}

async function tokenError(p: Promise<unknown>): Promise<MsalError> {
  try {
    await p
  } catch (e) {
    return e as MsalError
  }
  throw new Error('expected a token error')
}

const secretToken = (tenant: string, secret = APP_SECRET) =>
  cca(sim, { secret }).acquireTokenByClientCredential({
    scopes: [GRAPH_SCOPE],
    authority: `${sim.loginUrl}/${tenant}`,
  })

describe('client credentials', () => {
  it('issues a Graph token by client secret in the v1.0 shape, verifiable against the JWKS', async () => {
    const r = await secretToken(CONTOSO)
    expect(r?.tokenType).toBe('Bearer')
    const jwks = createRemoteJWKSet(new URL(`${sim.loginUrl}/${CONTOSO}/discovery/v2.0/keys`))
    const { payload, protectedHeader } = await jwtVerify(r?.accessToken ?? '', jwks, {
      issuer: `https://sts.windows.net/${CONTOSO}/`,
      audience: 'https://graph.microsoft.com',
    })
    expect(protectedHeader.alg).toBe('RS256')
    expect(protectedHeader.kid).toBe(sim.state.keys.activeKid)
    expect(payload).toMatchObject({
      ver: '1.0',
      tid: CONTOSO,
      appid: DEMO_IDS.appClientId,
      appidacr: '1',
      idtyp: 'app',
    })
    expect(payload.azp).toBeUndefined()
    expect(payload.roles).toEqual(['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All'])
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3599)
    expect(payload.oid).toBe(sim.state.getTenant(CONTOSO)?.servicePrincipals.get(DEMO_IDS.appClientId)?.id)
  })

  it('issues a token by certificate assertion (SHA-256 thumbprint, PS256)', async () => {
    const r = await cca(sim, { cert: await appCertificate() }).acquireTokenByClientCredential({
      scopes: [GRAPH_SCOPE],
      authority: `${sim.loginUrl}/${CONTOSO}`,
    })
    expect(decode(r?.accessToken ?? '')).toMatchObject({ tid: CONTOSO, appidacr: '2' })
  })

  it('issues a token by certificate assertion (SHA-1 thumbprint, RS256)', async () => {
    const r = await cca(sim, { cert: await appCertificate(), sha1: true }).acquireTokenByClientCredential({
      scopes: [GRAPH_SCOPE],
      authority: `${sim.loginUrl}/${CONTOSO}`,
    })
    expect(decode(r?.accessToken ?? '').tid).toBe(CONTOSO)
  })

  it('rejects a certificate that is not registered on the app (AADSTS700027)', async () => {
    const { createClientCertificate } = await import('../src/index.ts')
    const other = await createClientCertificate('CN=other')
    const e = await tokenError(
      cca(sim, { cert: other }).acquireTokenByClientCredential({
        scopes: [GRAPH_SCOPE],
        authority: `${sim.loginUrl}/${CONTOSO}`,
      }),
    )
    expect(e.errorCode).toBe('invalid_client')
    expect(e.errorMessage).toContain('AADSTS700027')
  })

  it('answers a bad secret with 401 invalid_client AADSTS7000215', async () => {
    const e = await tokenError(secretToken(CONTOSO, 'wrong'))
    expect(e.errorCode).toBe('invalid_client')
    expect(e.errorNo).toBe(7000215)
    expect(e.status).toBe(401)
  })

  it('answers an app unknown to the directory with AADSTS700016 unauthorized_client', async () => {
    const e = await tokenError(
      cca(sim, { secret: 'x' }, '11111111-2222-4333-8444-555555555555').acquireTokenByClientCredential({
        scopes: [GRAPH_SCOPE],
        authority: `${sim.loginUrl}/${CONTOSO}`,
      }),
    )
    expect(e.errorCode).toBe('unauthorized_client')
    expect(e.errorNo).toBe(700016)
    expect(e.status).toBe(400)
  })

  it('answers a tenant without the service principal (never consented) with 401 AADSTS7000229', async () => {
    const e = await tokenError(secretToken(FABRIKAM))
    expect(e.errorCode).toBe('invalid_client')
    expect(e.errorNo).toBe(7000229)
    expect(e.status).toBe(401)
  })

  it('can answer a missing service principal with AADSTS700016 instead (switch)', async () => {
    sim.state.settings.missingServicePrincipalErrorCode = 700016
    const e = await tokenError(secretToken(FABRIKAM))
    expect(e.errorNo).toBe(700016)
  })

  it('answers an unknown tenant at the token endpoint with AADSTS90002', async () => {
    const e = await tokenError(secretToken('unknown-tenant.example'))
    expect(e.errorNo).toBe(90002)
    expect(e.status).toBe(400)
  })

  it('answers AADSTS65001 when roles are removed and the switch says so', async () => {
    sim.state.removeRoles(CONTOSO, DEMO_IDS.appClientId)
    const withoutRoles = await secretToken(CONTOSO)
    expect(decode(withoutRoles?.accessToken ?? '').roles).toBeUndefined()
    sim.state.settings.rolesRemovedBehavior = 'aadsts65001'
    const e = await tokenError(
      cca(sim, { secret: APP_SECRET }).acquireTokenByClientCredential({
        scopes: [GRAPH_SCOPE],
        authority: `${sim.loginUrl}/${CONTOSO}`,
      }),
    )
    expect(e.errorCode).toBe('invalid_grant')
    expect(e.errorNo).toBe(65001)
  })

  it('simulates consent replication: missing service principal for N s, then tokens without roles, then roles', async () => {
    const t = sim.state.requireTenant(FABRIKAM)
    t.settings = { consentMissingSeconds: 0.8, consentNoRolesSeconds: 0.8 }
    sim.state.grantConsent(FABRIKAM, DEMO_IDS.appClientId)
    const e = await tokenError(secretToken(FABRIKAM))
    expect(e.errorNo).toBe(7000229)
    await new Promise((r) => setTimeout(r, 850))
    const mid = await secretToken(FABRIKAM)
    expect(decode(mid?.accessToken ?? '').roles).toBeUndefined()
    await new Promise((r) => setTimeout(r, 800))
    const late = await cca(sim, { secret: APP_SECRET }).acquireTokenByClientCredential({
      scopes: [GRAPH_SCOPE],
      authority: `${sim.loginUrl}/${FABRIKAM}`,
    })
    expect(decode(late?.accessToken ?? '').roles).toEqual([
      'Policy.ReadWrite.CrossTenantAccess',
      'Organization.Read.All',
    ])
  })

  it('can answer the replication window with AADSTS700016 or AADSTS65001 (switch)', async () => {
    sim.state.requireTenant(FABRIKAM).settings = { consentMissingSeconds: 30, consentMissingErrorCode: 65001 }
    sim.state.grantConsent(FABRIKAM, DEMO_IDS.appClientId)
    expect((await tokenError(secretToken(FABRIKAM))).errorNo).toBe(65001)
    sim.state.requireTenant(FABRIKAM).settings.consentMissingErrorCode = 700016
    expect((await tokenError(secretToken(FABRIKAM))).errorNo).toBe(700016)
  })

  it('rejects client credentials on /organizations (MSAL refuses before sending) and a non-.default scope', async () => {
    const e = await tokenError(
      cca(sim, { secret: APP_SECRET }).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }),
    )
    expect(e.errorCode).toBe('missing_tenant_id_error')
    const r = await fetch(`${sim.loginUrl}/${CONTOSO}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_IDS.appClientId,
        client_secret: APP_SECRET,
        scope: 'https://graph.microsoft.com/User.Read',
      }),
    })
    expect(r.status).toBe(400)
    expect(((await r.json()) as { error: string }).error).toBe('invalid_scope')
  })

  it('rotates signing keys: new tokens use the new kid, old tokens stay valid until dropped', async () => {
    const before = await secretToken(CONTOSO)
    const oldKid = JSON.parse(
      Buffer.from((before?.accessToken ?? '').split('.')[0] ?? '', 'base64url').toString(),
    ) as { kid: string }
    const res = await fetch(`${sim.loginUrl}/_sim/keys/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    const { kid } = (await res.json()) as { kid: string }
    expect(kid).not.toBe(oldKid.kid)
    const jwks = (await (await fetch(`${sim.loginUrl}/common/discovery/v2.0/keys`)).json()) as {
      keys: { kid: string }[]
    }
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid, oldKid.kid])
    const after = await cca(sim, { secret: APP_SECRET }).acquireTokenByClientCredential({
      scopes: [GRAPH_SCOPE],
      authority: `${sim.loginUrl}/${CONTOSO}`,
    })
    expect(
      JSON.parse(Buffer.from((after?.accessToken ?? '').split('.')[0] ?? '', 'base64url').toString()),
    ).toMatchObject({ kid })
  })

  it('gives the token endpoint 429 with Retry-After when a throttle fault is injected', async () => {
    sim.state.faults.add({
      kind: 'throttle',
      origin: 'login',
      tenantId: CONTOSO,
      retryAfterSeconds: 7,
      times: 1,
    })
    const r = await fetch(`${sim.loginUrl}/${CONTOSO}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_IDS.appClientId,
        client_secret: APP_SECRET,
        scope: GRAPH_SCOPE,
      }),
    })
    expect(r.status).toBe(429)
    expect(r.headers.get('retry-after')).toBe('7')
    const again = await fetch(`${sim.loginUrl}/${CONTOSO}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_IDS.appClientId,
        client_secret: APP_SECRET,
        scope: GRAPH_SCOPE,
      }),
    })
    expect(again.status).toBe(200)
    const log = sim.state.requests.list({ tenant: CONTOSO, origin: 'login' })
    expect(log.map((e) => [e.status, e.early])).toEqual([
      [429, false],
      [200, true],
    ])
  })
})
