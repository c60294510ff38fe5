// Headless Chromium walks the simulator's pages like a person: the admin consent page to Accept and to
// Cancel (landing on the redirect URI with the documented parameters), the `organizations` tenant picker,
// the error pages, and the staff sign-in (auth code + PKCE) redeemed by the real MSAL.
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { CryptoProvider } from '@azure/msal-node'
import { DEFAULT_SETTINGS, type RunningSimulator } from '../src/index.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { appToken, cca, CONTOSO, decode, DEMO_IDS, FABRIKAM, PARTNER, startTestSim } from './helpers.ts'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const SCOPE = 'https://graph.microsoft.com/.default'

let sim: RunningSimulator
let browser: Browser
let server: Server
let callbackBase: string
const hits: URL[] = []

beforeAll(async () => {
  ;[sim, browser] = await Promise.all([
    startTestSim(),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ])
  server = createServer((req, res) => {
    // Chromium also asks for /favicon.ico after landing; only callbacks count.
    if (!req.url?.startsWith('/favicon')) hits.push(new URL(req.url ?? '/', callbackBase))
    res.writeHead(200, { 'content-type': 'text/plain' }).end('callback received')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const addr = server.address()
  callbackBase = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
})
afterAll(async () => {
  await Promise.all([browser.close(), sim.close(), new Promise((r) => server.close(r))])
})
beforeEach(() => {
  sim.state.reset()
  hits.length = 0
  const app = sim.state.getApp(DEMO_IDS.appClientId)
  const staff = sim.state.getApp(DEMO_IDS.staffAppClientId)
  if (!app || !staff) throw new Error('demo apps missing')
  app.redirectUris = [`${callbackBase}/consent/callback`]
  staff.redirectUris = [`${callbackBase}/auth/callback`]
})

async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true })
  try {
    return await fn(await ctx.newPage())
  } finally {
    await ctx.close()
  }
}

function consentUrl(tenant: string, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    client_id: DEMO_IDS.appClientId,
    redirect_uri: `${callbackBase}/consent/callback`,
    scope: SCOPE,
    state: 'st-123',
    ...extra,
  })
  return `${sim.loginUrl}/${tenant}/v2.0/adminconsent?${q.toString()}`
}

describe('admin consent page', () => {
  it('Accept: shows tenant, app and permissions, creates the service principal and redirects with admin_consent, tenant, scope, state', async () => {
    await withPage(async (page) => {
      await page.goto(consentUrl(FABRIKAM))
      await expect(page.locator('#tenant-name').textContent()).resolves.toBe('Fabrikam Retail')
      await expect(page.locator('#app-name').textContent()).resolves.toBe('Crosstrust by Truesec Detect')
      await expect(page.locator('#permissions').textContent()).resolves.toContain(
        'Policy.ReadWrite.CrossTenantAccess',
      )
      await Promise.all([
        page.waitForURL(/\/consent\/callback/),
        page.getByRole('button', { name: 'Accept' }).click(),
      ])
    })
    const hit = hits.at(-1)
    expect(hit?.pathname).toBe('/consent/callback')
    expect([...(hit?.searchParams.entries() ?? [])]).toEqual([
      ['admin_consent', 'True'],
      ['tenant', FABRIKAM],
      ['scope', SCOPE],
      ['state', 'st-123'],
    ])
    // Microsoft replicates a fresh consent before the token endpoint issues tokens with the granted roles.
    await sleep((DEFAULT_SETTINGS.consentMissingSeconds + DEFAULT_SETTINGS.consentNoRolesSeconds) * 1000 + 50)
    const token = await appToken(sim, FABRIKAM)
    expect(decode(token).roles).toEqual(['Policy.ReadWrite.CrossTenantAccess', 'Organization.Read.All'])
  })

  it('Cancel: redirects with admin_consent=True, error, AADSTS65004 error_description, error_uri and state; no service principal', async () => {
    await withPage(async (page) => {
      await page.goto(consentUrl(FABRIKAM))
      await Promise.all([
        page.waitForURL(/\/consent\/callback/),
        page.getByRole('button', { name: 'Cancel' }).click(),
      ])
    })
    const q = hits.at(-1)?.searchParams
    expect([...(q?.keys() ?? [])]).toEqual([
      'admin_consent',
      'error',
      'error_description',
      'error_uri',
      'state',
    ])
    expect(q?.get('error_uri')).toBe('https://login.microsoftonline.com/error?code=65004')
    expect(q?.get('admin_consent')).toBe('True')
    expect(q?.get('error')).toBe('consent_required')
    expect(q?.get('error_description')).toMatch(/^AADSTS65004: /)
    expect(q?.get('state')).toBe('st-123')
    expect(sim.state.getTenant(FABRIKAM)?.servicePrincipals.has(DEMO_IDS.appClientId)).toBe(false)
  })

  it('organizations: the admin first picks a tenant, then accepts for it', async () => {
    await withPage(async (page) => {
      await page.goto(consentUrl('organizations'))
      await page.getByRole('link', { name: 'Contoso Manufacturing AB' }).click()
      await expect(page.locator('#tenant-name').textContent()).resolves.toBe('Contoso Manufacturing AB')
      await Promise.all([
        page.waitForURL(/\/consent\/callback/),
        page.getByRole('button', { name: 'Accept' }).click(),
      ])
    })
    expect(hits.at(-1)?.searchParams.get('tenant')).toBe(CONTOSO)
  })

  it('works with a verified domain in place of the tenant id', async () => {
    await withPage(async (page) => {
      await page.goto(consentUrl('fabrikam-retail.example'))
      await Promise.all([
        page.waitForURL(/\/consent\/callback/),
        page.getByRole('button', { name: 'Accept' }).click(),
      ])
    })
    expect(hits.at(-1)?.searchParams.get('tenant')).toBe(FABRIKAM)
  })

  it('shows an error page (never redirects) for an unregistered redirect_uri or an unknown client_id, escaping what it reflects', async () => {
    await withPage(async (page) => {
      const r1 = await page.goto(consentUrl(FABRIKAM, { redirect_uri: 'https://evil.example/cb' }))
      expect(r1?.status()).toBe(400)
      await expect(page.locator('#error-code').textContent()).resolves.toMatch(/^AADSTS50011/)
      const r2 = await page.goto(consentUrl(FABRIKAM, { client_id: '<img src=x onerror=alert(1)>' }))
      expect(r2?.status()).toBe(400)
      await expect(page.locator('#error-code').textContent()).resolves.toMatch(/^AADSTS700016/)
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.content()).toContain('&lt;img src=x')
    })
    expect(hits).toEqual([])
  })

  it('redirects with invalid_scope (AADSTS70011) for a scope outside Microsoft Graph', async () => {
    await withPage(async (page) => {
      await page.goto(consentUrl(FABRIKAM, { scope: 'https://evil.example/.default' }))
    })
    const q = hits.at(-1)?.searchParams
    expect(q?.get('admin_consent')).toBe('True')
    expect(q?.get('error')).toBe('invalid_scope')
    expect(q?.get('error_description')).toMatch(/^AADSTS70011: /)
  })
})

describe('staff sign-in (authorization code + PKCE)', () => {
  it('lists the tenant users, issues a code, and MSAL redeems it for an id token and an access token with app roles', async () => {
    const staff = cca(sim, { secret: 'demo-staff-secret-not-for-production' }, DEMO_IDS.staffAppClientId)
    const pkce = await new CryptoProvider().generatePkceCodes()
    const scopes = [`api://${DEMO_IDS.staffAppClientId}/access_as_user`]
    const redirectUri = `${callbackBase}/auth/callback`
    const url = await staff.getAuthCodeUrl({
      scopes,
      redirectUri,
      authority: `${sim.loginUrl}/${PARTNER}`,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
      state: 'staff-state',
      nonce: 'n-0S6',
    })
    await withPage(async (page) => {
      await page.goto(url)
      await expect(page.locator('#accounts').textContent()).resolves.toContain('Vera Viewer')
      await Promise.all([
        page.waitForURL(/\/auth\/callback/),
        page.getByRole('button', { name: 'Alva Admin' }).click(),
      ])
    })
    const q = hits.at(-1)?.searchParams
    expect(q?.get('state')).toBe('staff-state')
    const code = q?.get('code') ?? ''
    const res = await staff.acquireTokenByCode(
      {
        code,
        scopes,
        redirectUri,
        codeVerifier: pkce.verifier,
        authority: `${sim.loginUrl}/${PARTNER}`,
        state: 'staff-state',
        nonce: 'n-0S6',
      },
      { code, state: 'staff-state' },
    )
    expect(res.idTokenClaims).toMatchObject({
      aud: DEMO_IDS.staffAppClientId,
      tid: PARTNER,
      oid: DEMO_IDS.staff.admin,
      name: 'Alva Admin',
      preferred_username: 'alva@truesecdetect.io',
      nonce: 'n-0S6',
      roles: ['Admin'],
    })
    expect(decode(res.accessToken)).toMatchObject({
      aud: DEMO_IDS.staffAppClientId,
      scp: 'access_as_user',
      roles: ['Admin'],
      tid: PARTNER,
      idtyp: 'user',
    })
    // A code is single-use.
    await expect(
      staff.acquireTokenByCode({
        code,
        scopes,
        redirectUri,
        codeVerifier: pkce.verifier,
        authority: `${sim.loginUrl}/${PARTNER}`,
      }),
    ).rejects.toMatchObject({ errorCode: 'invalid_grant' })
  })

  it('rejects a code_verifier that does not match the challenge (AADSTS501481)', async () => {
    const staff = cca(sim, { secret: 'demo-staff-secret-not-for-production' }, DEMO_IDS.staffAppClientId)
    const pkce = await new CryptoProvider().generatePkceCodes()
    const scopes = [`api://${DEMO_IDS.staffAppClientId}/access_as_user`]
    const redirectUri = `${callbackBase}/auth/callback`
    const url = await staff.getAuthCodeUrl({
      scopes,
      redirectUri,
      authority: `${sim.loginUrl}/${PARTNER}`,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
    })
    await withPage(async (page) => {
      await page.goto(url)
      await Promise.all([
        page.waitForURL(/\/auth\/callback/),
        page.getByRole('button', { name: 'Vera Viewer' }).click(),
      ])
    })
    const code = hits.at(-1)?.searchParams.get('code') ?? ''
    const other = await new CryptoProvider().generatePkceCodes()
    await expect(
      staff.acquireTokenByCode({
        code,
        scopes,
        redirectUri,
        codeVerifier: other.verifier,
        authority: `${sim.loginUrl}/${PARTNER}`,
      }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorNo: 501481,
    })
  })
})
