// How Crosstrust words each answer Microsoft gives during admin consent, through the HTTP flow against the
// simulator: Back on the account picker, an account of the wrong directory, an account without an admin
// role ("Need admin approval"), and Cancel on the consent page. See docs/microsoft-behaviour.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, newCustomer, step } from '../support/consent-steps.ts'
import { AdminBrowser, locationOf, pressContinue, startAndSignIn } from '../support/admin-browser.ts'
import { consentAs } from '../support/consent-driver.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System

beforeAll(async () => {
  sys = await startSystem()
})
afterAll(async () => {
  await sys.stop()
})

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('Microsoft answers during admin consent', () => {
  it("Back on the account picker (access_denied, error_subcode=cancel) shows 'Sign-in cancelled'", async () => {
    const tenant = addTenant(sys)
    const { customerId, linkUrl } = await newCustomer(sys, 'Back Button AB', tenant.id)
    const browser = new AdminBrowser()
    const authorizeUrl = await pressContinue(browser, linkUrl)
    const picker = await browser.get(authorizeUrl)
    const form = picker.body.slice(picker.body.lastIndexOf('<form method="get"'))
    const action = /action="([^"]+)"/.exec(form)?.[1] ?? ''
    const fields = new URLSearchParams()
    for (const m of form.matchAll(/name="([^"]*)" value="([^"]*)"/g)) fields.set(m[1] ?? '', m[2] ?? '')
    expect(fields.get('error_subcode')).toBe('cancel')
    const back = await browser.get(`${action}?${fields.toString()}`)
    expect(back.status).toBe(200)
    expect(back.body).toContain('Sign-in cancelled')
    expect((await step(sys, customerId, 'consent_received')).status).toBe('pending')
  })

  it('an account of another directory is told to sign in with an administrator of the expected tenant', async () => {
    const expected = addTenant(sys)
    const other = addTenant(sys)
    const { linkUrl } = await newCustomer(sys, 'Expected Tenant AB', expected.id)
    const answer = await startAndSignIn(new AdminBrowser(), linkUrl, other.id)
    expect(answer.status).toBe(403)
    expect(text(answer.body)).toContain(`Sign in with an administrator of tenant ${expected.id}`)
    expect(text(answer.body)).not.toMatch(/try again/i)
  })

  it('Microsoft shows AADSTS50020 when another directory’s account opens this tenant’s consent page', async () => {
    const tenant = addTenant(sys)
    const other = addTenant(sys)
    const { linkUrl } = await newCustomer(sys, 'Switched Account AB', tenant.id)
    const browser = new AdminBrowser()
    const signedIn = await startAndSignIn(browser, linkUrl, tenant.id)
    const consentUrl = locationOf(signedIn, signedIn.signedInUrl)
    // The admin switches to another directory's account at Microsoft before the consent page opens.
    await startAndSignIn(browser, (await newCustomer(sys, 'Other AB', other.id)).linkUrl, other.id)
    const page = await browser.get(consentUrl)
    expect(page.status).toBe(400)
    expect(page.body).toContain('AADSTS50020')
  })

  it('an account without Global Administrator or Privileged Role Administrator is told whom to ask', async () => {
    const tenant = addTenant(sys)
    const upn = `reader@${tenant.domain}`
    sys.sim.state.addUser(tenant.id, {
      displayName: 'Reader',
      userPrincipalName: upn,
      directoryRoles: ['Global Reader'],
    })
    const { customerId, linkUrl } = await newCustomer(sys, 'No Role AB', tenant.id)
    const browser = new AdminBrowser()
    const signedIn = await startAndSignIn(browser, linkUrl, tenant.id, upn)
    expect(signedIn.status).toBe(303)
    const approval = await browser.get(locationOf(signedIn, signedIn.signedInUrl))
    expect(approval.body).toContain('Need admin approval')
    const back = /id="return" href="([^"]+)"/.exec(approval.body)?.[1]?.replaceAll('&amp;', '&') ?? ''
    const answer = await browser.get(back)
    expect(answer.status).toBe(200)
    const words = text(answer.body)
    expect(words).toContain(
      `${upn} is not a Global Administrator or Privileged Role Administrator of tenant ${tenant.id}`,
    )
    expect(words).toContain(
      `Ask a Global Administrator or Privileged Role Administrator of tenant ${tenant.id} to open the link.`,
    )
    const consent = await step(sys, customerId, 'consent_received')
    expect(consent.status).toBe('failed')
    expect(consent.message).toContain('Privileged Role Administrator')
    expect(sys.sim.state.getTenant(tenant.id)?.servicePrincipals.size).toBe(0)
  })

  it('Cancel on the consent page keeps its own wording', async () => {
    const tenant = addTenant(sys)
    const { linkUrl } = await newCustomer(sys, 'Cancel AB', tenant.id)
    const run = await consentAs(linkUrl, tenant.id, 'cancel')
    expect(new URL(run.callbackUrl).searchParams.get('error_uri')).toBe(
      'https://login.microsoftonline.com/error?code=65004',
    )
    expect(run.finalBody).toContain('Consent declined')
    expect(run.finalBody).not.toContain('Privileged Role Administrator')
  })
})
