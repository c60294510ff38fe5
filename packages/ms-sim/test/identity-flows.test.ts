// Identity platform conformance for the other documented flows: client_secret_basic, form_post, the v1 and v2
// admin consent endpoints with the signed-in account, the account picker's Back, and tokens for a registered API.
import { describe, expect, it } from 'vitest'
import {
  APP_SECRET,
  cca,
  CONTOSO,
  decode,
  DEMO_IDS,
  FABRIKAM,
  GRAPH_SCOPE,
  NORTHWIND,
  PARTNER,
  sim,
  useTestSim,
} from './helpers.ts'

useTestSim()

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
