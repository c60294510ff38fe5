// Identity platform conformance, driven by the real @azure/msal-node: discovery (by id and domain),
// JWKS-verifiable tokens, client credentials by secret and certificate, and the documented AADSTS failures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { RunningSimulator } from '../src/index.ts'
import {
  appCertificate,
  APP_SECRET,
  cca,
  CONTOSO,
  decode,
  DEMO_IDS,
  FABRIKAM,
  GRAPH_SCOPE,
  NORTHWIND,
  PARTNER,
  startTestSim,
} from './helpers.ts'

let sim: RunningSimulator
beforeAll(async () => {
  sim = await startTestSim()
})
afterAll(async () => {
  await sim.close()
})
beforeEach(() => {
  sim.state.reset()
})

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

describe('transport', () => {
  it('serves HTTPS that this forked vitest worker trusts through NODE_EXTRA_CA_CERTS', async () => {
    const { readFile } = await import('node:fs/promises')
    const ca = await readFile(sim.caCertPath, 'utf8')
    expect(await readFile(process.env.NODE_EXTRA_CA_CERTS ?? '', 'utf8')).toContain(ca.trim())
    const r = await fetch(`${sim.graphUrl}/_sim/tenants`)
    expect(r.status).toBe(200)
    const tenants = (await r.json()) as {
      id: string
      displayName: string
      domains: string[]
      licence: string
    }[]
    expect(tenants.find((t) => t.id === PARTNER)).toMatchObject({
      displayName: 'Truesec Detect AB',
      licence: 'P2',
    })
    expect(tenants.find((t) => t.id === FABRIKAM)?.licence).toBe('none')
  })
})

describe('OpenID discovery', () => {
  it('resolves a tenant by id and by verified domain; the issuer carries the tenant GUID', async () => {
    for (const seg of [CONTOSO, 'contoso-manufacturing.se', 'CONTOSOMFG.onmicrosoft.com']) {
      const r = await fetch(`${sim.loginUrl}/${seg}/v2.0/.well-known/openid-configuration`)
      expect(r.status).toBe(200)
      const doc = (await r.json()) as Record<string, string>
      expect(doc.issuer).toBe(`${sim.loginUrl}/${CONTOSO}/v2.0`)
      expect(doc.token_endpoint).toBe(`${sim.loginUrl}/${CONTOSO}/oauth2/v2.0/token`)
      expect(doc.jwks_uri).toBe(`${sim.loginUrl}/${CONTOSO}/discovery/v2.0/keys`)
    }
  })

  it('answers an unknown domain with 400 invalid_tenant AADSTS90002 in the Microsoft error shape', async () => {
    const r = await fetch(`${sim.loginUrl}/nope.example/v2.0/.well-known/openid-configuration`)
    expect(r.status).toBe(400)
    const body = (await r.json()) as Record<string, unknown>
    expect(body.error).toBe('invalid_tenant')
    expect(body.error_codes).toEqual([90002])
    expect(String(body.error_description)).toMatch(/^AADSTS90002: Tenant 'nope.example' not found/)
    for (const k of ['timestamp', 'trace_id', 'correlation_id']) expect(typeof body[k]).toBe('string')
  })

  it('lets MSAL discover endpoints from the network when no authorityMetadata is configured', async () => {
    const r = await cca(sim, { secret: APP_SECRET }, DEMO_IDS.appClientId, {
      metadata: false,
    }).acquireTokenByClientCredential({
      scopes: [GRAPH_SCOPE],
      authority: `${sim.loginUrl}/contoso-manufacturing.se`,
    })
    expect(decode(r?.accessToken ?? '').tid).toBe(CONTOSO)
    const paths = sim.state.requests.list().map((e) => e.path)
    expect(paths.some((p) => p.includes('/v2.0/.well-known/openid-configuration'))).toBe(true)
  })
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

describe('other documented flows', () => {
  it('accepts client_secret_basic (HTTP Basic) for client credentials', async () => {
    const r = await fetch(`${sim.loginUrl}/${CONTOSO}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO_IDS.appClientId}:${APP_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO_IDS.appClientId,
        scope: GRAPH_SCOPE,
      }),
    })
    expect(r.status).toBe(200)
    expect(((await r.json()) as { expires_in: number }).expires_in).toBe(3599)
  })

  it('answers response_mode=form_post with an auto-submitting form carrying code and state', async () => {
    const staff = sim.state.getApp(DEMO_IDS.staffAppClientId)
    const redirectUri = staff?.redirectUris[0] ?? ''
    const r = await fetch(`${sim.loginUrl}/${PARTNER}/oauth2/v2.0/authorize`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: DEMO_IDS.staffAppClientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        response_mode: 'form_post',
        scope: 'openid profile',
        state: 's&"<1>',
        user_id: DEMO_IDS.staff.viewer,
      }),
    })
    expect(r.status).toBe(200)
    const html = await r.text()
    expect(html).toContain(`action="${redirectUri}"`)
    expect(html).toMatch(/name="code" value="[\w-]{20,}"/)
    expect(html).toContain('name="state" value="s&amp;&quot;&lt;1&gt;"')
  })

  it('serves the v1-style /{tenant}/adminconsent: accept ⇒ tenant, state, admin_consent=True; cancel ⇒ permission_denied', async () => {
    const redirectUri = sim.state.getApp(DEMO_IDS.appClientId)?.redirectUris[0] ?? ''
    const form = (decision: string) =>
      new URLSearchParams({
        client_id: DEMO_IDS.appClientId,
        redirect_uri: redirectUri,
        state: '42',
        decision,
      })
    const cancel = await fetch(`${sim.loginUrl}/${FABRIKAM}/adminconsent`, {
      method: 'POST',
      body: form('cancel'),
      redirect: 'manual',
    })
    const cq = new URL(cancel.headers.get('location') ?? '').searchParams
    expect([...cq.entries()]).toEqual([
      ['error', 'permission_denied'],
      ['error_description', 'The admin canceled the request'],
      ['state', '42'],
    ])
    const accept = await fetch(`${sim.loginUrl}/${FABRIKAM}/adminconsent`, {
      method: 'POST',
      body: form('accept'),
      redirect: 'manual',
    })
    expect(accept.status).toBe(302)
    const aq = new URL(accept.headers.get('location') ?? '').searchParams
    expect([...aq.entries()]).toEqual([
      ['tenant', FABRIKAM],
      ['state', '42'],
      ['admin_consent', 'True'],
    ])
    expect(sim.state.getTenant(FABRIKAM)?.servicePrincipals.get(DEMO_IDS.appClientId)?.roles).toEqual([
      'Policy.ReadWrite.CrossTenantAccess',
      'Organization.Read.All',
    ])
  })

  it('keeps the signed-in account in a session cookie; admin consent checks its directory and admin role', async () => {
    const redirectUri = sim.state.getApp(DEMO_IDS.appClientId)?.redirectUris[0] ?? ''
    const reader = sim.state.addUser(FABRIKAM, {
      displayName: 'Rita Reader',
      userPrincipalName: 'rita@fabrikam-retail.example',
      directoryRoles: ['Global Reader'],
    })
    const pra = sim.state.addUser(FABRIKAM, {
      displayName: 'Petra Roles',
      userPrincipalName: 'petra@fabrikam-retail.example',
      directoryRoles: ['Privileged Role Administrator'],
    })
    const frida = [...(sim.state.getTenant(FABRIKAM)?.users.values() ?? [])].find((u) =>
      u.userPrincipalName.startsWith('frida@'),
    )
    const northwindAdmin = [...(sim.state.getTenant(NORTHWIND)?.users.values() ?? [])][0]
    expect(frida?.directoryRoles).toEqual(['Global Administrator'])
    const signIn = async (tenant: string, userId: string): Promise<string> => {
      const r = await fetch(`${sim.loginUrl}/${tenant}/oauth2/v2.0/authorize`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: DEMO_IDS.appClientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid profile',
          state: 'sign-in',
          user_id: userId,
        }),
        redirect: 'manual',
      })
      expect(r.status).toBe(302)
      const cookie = r.headers.getSetCookie().find((c) => c.startsWith('ESTSAUTH='))
      return (cookie ?? '').split(';')[0] ?? ''
    }
    const consentUrl = (tenant: string) =>
      `${sim.loginUrl}/${tenant}/v2.0/adminconsent?${new URLSearchParams({
        client_id: DEMO_IDS.appClientId,
        redirect_uri: redirectUri,
        scope: GRAPH_SCOPE,
        state: 'st',
      }).toString()}`
    const open = (tenant: string, cookie: string) =>
      fetch(consentUrl(tenant), { headers: { cookie }, redirect: 'manual' })

    // A Global Administrator and a Privileged Role Administrator see the consent page.
    expect((await open(FABRIKAM, await signIn(FABRIKAM, frida?.id ?? ''))).status).toBe(200)
    expect((await open(FABRIKAM, await signIn(FABRIKAM, pra.id))).status).toBe(200)

    // Without either role: "Need admin approval" (AADSTS90094) and a way back that tells the app.
    const readerCookie = await signIn(FABRIKAM, reader.id)
    const needApproval = await open(FABRIKAM, readerCookie)
    const html = await needApproval.text()
    expect(html).toContain('Need admin approval')
    expect(html).toContain('AADSTS90094')
    const back = /id="return" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? ''
    const bq = new URL(back).searchParams
    expect(bq.get('admin_consent')).toBe('True')
    expect(bq.get('error')).toBe('access_denied')
    expect(bq.get('error_description')).toMatch(/^AADSTS90094: /)
    expect(bq.get('error_uri')).toBe('https://login.microsoftonline.com/error?code=90094')
    expect(bq.get('state')).toBe('st')
    // Posting Accept anyway grants nothing.
    const forced = await fetch(`${sim.loginUrl}/${FABRIKAM}/v2.0/adminconsent`, {
      method: 'POST',
      headers: { cookie: readerCookie },
      body: new URLSearchParams({
        client_id: DEMO_IDS.appClientId,
        redirect_uri: redirectUri,
        scope: GRAPH_SCOPE,
        state: 'st',
        decision: 'accept',
      }),
      redirect: 'manual',
    })
    expect(forced.status).toBe(200)
    expect(sim.state.getTenant(FABRIKAM)?.servicePrincipals.has(DEMO_IDS.appClientId)).toBe(false)

    // An account of another directory at a tenant-specific authority: AADSTS50020 on Microsoft's page.
    const foreign = await open(FABRIKAM, await signIn(NORTHWIND, northwindAdmin?.id ?? ''))
    expect(foreign.status).toBe(400)
    expect(await foreign.text()).toContain('AADSTS50020')

    // `organizations` consents in the signed-in account's own tenant.
    const org = await open('organizations', await signIn(NORTHWIND, northwindAdmin?.id ?? ''))
    expect(org.status).toBe(302)
    expect(new URL(org.headers.get('location') ?? '', sim.loginUrl).pathname).toBe(
      `/${NORTHWIND}/v2.0/adminconsent`,
    )
  })

  it("answers the account picker's Back with error=access_denied&error_subcode=cancel", async () => {
    const redirectUri = sim.state.getApp(DEMO_IDS.appClientId)?.redirectUris[0] ?? ''
    const picker = await fetch(
      `${sim.loginUrl}/organizations/oauth2/v2.0/authorize?${new URLSearchParams({
        client_id: DEMO_IDS.appClientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid profile',
        state: 'st',
        prompt: 'select_account',
      }).toString()}`,
    )
    const html = await picker.text()
    const form = html.slice(html.lastIndexOf('<form method="get"'))
    const fields = [...form.matchAll(/name="([^"]*)" value="([^"]*)"/g)].map((m) => [m[1], m[2]])
    expect(form).toContain(`action="${redirectUri}"`)
    expect(fields).toEqual([
      ['error', 'access_denied'],
      ['error_subcode', 'cancel'],
      ['state', 'st'],
    ])
  })

  it('answers Cancel on the admin consent page with consent_required, AADSTS65004, error_uri and admin_consent=True', async () => {
    const redirectUri = sim.state.getApp(DEMO_IDS.appClientId)?.redirectUris[0] ?? ''
    const r = await fetch(`${sim.loginUrl}/${FABRIKAM}/v2.0/adminconsent`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: DEMO_IDS.appClientId,
        redirect_uri: redirectUri,
        scope: GRAPH_SCOPE,
        state: 'st',
        decision: 'cancel',
      }),
      redirect: 'manual',
    })
    const q = new URL(r.headers.get('location') ?? '').searchParams
    expect(q.get('admin_consent')).toBe('True')
    expect(q.get('error')).toBe('consent_required')
    expect(q.get('error_description')).toMatch(/^AADSTS65004: /)
    expect(q.get('error_uri')).toBe('https://login.microsoftonline.com/error?code=65004')
    expect(q.get('state')).toBe('st')
  })

  it('issues client-credentials tokens for a registered API (aud = its client id, no Graph roles)', async () => {
    const r = await cca(sim, { secret: APP_SECRET }).acquireTokenByClientCredential({
      scopes: [`api://${DEMO_IDS.staffAppClientId}/.default`],
      authority: `${sim.loginUrl}/${CONTOSO}`,
    })
    const claims = decode(r?.accessToken ?? '')
    expect(claims.aud).toBe(DEMO_IDS.staffAppClientId)
    expect(claims.roles).toBeUndefined()
  })
})
