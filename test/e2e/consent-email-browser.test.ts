// Consent links by email, end to end: staff send a link to a customer's admin contact through the API; the
// worker mails it over SMTP to a real SMTP server on loopback; the test reads the mail, follows the link in
// headless Chromium, signs in as the tenant's administrator, consents and sees "Configured". Also an SMTP
// outage (queued, retried, visible, then sent) and a bounce (a permanent refusal, shown, not retried).
import { startSmtpCatcher, type SmtpCatcher } from '@crosstrust/testkit/smtp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, type BrowserSession } from '../support/browser.ts'
import { addTenant } from '../support/consent-steps.ts'
import { expectConfigured } from '../support/partner-assert.ts'
import { staffTokens, type StaffUser } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'

let sys: System
let smtp: SmtpCatcher
let b: BrowserSession
let tokens: Record<StaffUser, string>

beforeAll(async () => {
  smtp = await startSmtpCatcher()
  sys = await startSystem({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Truesec Detect AB <onboarding@crosstrust.example>',
      MAIL_REPLY_TO: 'soc@truesec.example',
    },
  })
  tokens = await staffTokens(sys)
  b = await openBrowser([sys.sim.loginUrl])
})
afterAll(async () => {
  await b.close()
  await sys.stop()
  await smtp.stop()
})

interface Delivery {
  kind: string
  status: string
  attempts: number
  lastError: string | null
  bouncedRecipients: string[]
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens.operator}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json() }
}

async function customerWithAdmin(name: string, tenantId: string, email: string): Promise<string> {
  const created = await api('POST', '/api/v1/customers', {
    name,
    tenant: tenantId,
    contacts: [{ name: 'Ada Admin', email, role: 'Global Administrator' }],
  })
  expect(created.status).toBe(201)
  return (created.body as { id: string }).id
}

async function deliveries(customerId: string): Promise<Delivery[]> {
  const answer = await api('GET', `/api/v1/customers/${customerId}/consent-emails`)
  return (answer.body as { items: Delivery[] }).items
}

describe('consent link by email', () => {
  it('staff send it, the admin follows the mailed link in a browser and consents', async () => {
    const tenant = addTenant(sys, { displayName: 'Mailed Consent AB' })
    const email = `admin@${tenant.domain}`
    const customerId = await customerWithAdmin('Mailed Consent AB', tenant.id, email)
    const sent = await api('POST', `/api/v1/customers/${customerId}/consent-emails`, {
      recipients: [email],
    })
    expect(sent).toMatchObject({ status: 202, body: { status: 'pending' } })

    const [mail] = await smtp.waitForMails(1)
    expect(mail?.envelopeTo).toEqual([email])
    expect(mail?.parsed.subject).toBe(
      'Truesec Detect AB asks you to connect Mailed Consent AB (admin consent)',
    )
    const text = mail?.parsed.text ?? ''
    expect(text).toContain(`the link points to ${sys.baseUrl}/ and nowhere else`)
    const link = new RegExp(`${sys.baseUrl}/consent/[A-Za-z0-9_-]+`).exec(text)?.[0]
    expect(link).toBeDefined()
    await expect.poll(async () => (await deliveries(customerId))[0]?.status).toBe('sent')

    const { page } = b
    await page.goto(link ?? '')
    await page.getByRole('button', { name: /Continue to Microsoft/ }).click()
    await page.waitForURL(/\/organizations\/oauth2\/v2\.0\/authorize/)
    await page.locator(`form[action="/${tenant.id}/oauth2/v2.0/authorize"] button`).click()
    await page.waitForURL(new RegExp(`/${tenant.id}/v2\\.0/adminconsent`))
    await page.getByRole('button', { name: 'Accept', exact: true }).click()
    await page.waitForURL(/\/consent\/result\//)
    await page.locator('[data-outcome="configured"]').waitFor({ timeout: 30_000 })
    await b.screenshot('email-01-configured')
    expectConfigured(sys, tenant.id)

    const customer = await api('GET', `/api/v1/customers/${customerId}`)
    expect((customer.body as { status: { code: string } }).status.code).toBe('managed')

    // Onboarding done: the same admin gets the status page link by mail, and it opens the status page.
    const statusMail = (await smtp.waitForMails(2, 30_000))[1]
    expect(statusMail?.envelopeTo).toEqual([email])
    expect(statusMail?.parsed.subject).toBe(
      'Mailed Consent AB is connected to Truesec Detect AB: your status page',
    )
    const statusText = statusMail?.parsed.text ?? ''
    expect(statusText).toContain('The link does not expire')
    const statusLink = new RegExp(`${sys.baseUrl}/status/[A-Za-z0-9_-]+`).exec(statusText)?.[0]
    expect(statusLink).toBeDefined()
    await page.goto(statusLink ?? '')
    await page.getByRole('heading', { name: 'Partner configuration status' }).waitFor()
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor()
    await expect
      .poll(async () => (await deliveries(customerId)).map((d) => `${d.kind}:${d.status}`))
      .toEqual(['status_link:sent', 'consent_link:sent'])
    expect(b.dialogs).toEqual([])
  })

  it('an SMTP outage is queued, retried and visible, then the mail goes out', async () => {
    const tenant = addTenant(sys, { displayName: 'Outage AB' })
    const email = `admin@${tenant.domain}`
    const customerId = await customerWithAdmin('Outage AB', tenant.id, email)
    const before = smtp.mails.length
    await smtp.stop()
    try {
      await api('POST', `/api/v1/customers/${customerId}/consent-emails`, { recipients: [email] })
      // The worker's first attempt fails: recorded, still queued for its retry.
      await expect
        .poll(async () => (await deliveries(customerId))[0]?.lastError ?? '', { timeout: 20_000 })
        .toMatch(/ECONNREFUSED|connect/i)
      expect((await deliveries(customerId))[0]?.status).toBe('pending')
    } finally {
      await smtp.start()
    }
    await smtp.waitForMails(before + 1, 60_000)
    await expect
      .poll(async () => (await deliveries(customerId))[0], { timeout: 20_000 })
      .toMatchObject({ status: 'sent' })
    expect((await deliveries(customerId))[0]?.attempts).toBeGreaterThan(1)
  }, 90_000)

  it('a bounce (a permanent refusal) shows on the delivery and is not retried', async () => {
    const tenant = addTenant(sys, { displayName: 'Bounce AB' })
    const email = `nobody@${tenant.domain}`
    const customerId = await customerWithAdmin('Bounce AB', tenant.id, email)
    smtp.refuse.add(email)
    await api('POST', `/api/v1/customers/${customerId}/consent-emails`, { recipients: [email] })
    await expect
      .poll(async () => (await deliveries(customerId))[0], { timeout: 20_000 })
      .toMatchObject({ status: 'bounced', attempts: 1, bouncedRecipients: [email] })
  })

  it('refuses addresses that are not the customer’s contacts', async () => {
    const tenant = addTenant(sys, { displayName: 'Strangers AB' })
    const customerId = await customerWithAdmin('Strangers AB', tenant.id, `admin@${tenant.domain}`)
    const refused = await api('POST', `/api/v1/customers/${customerId}/consent-emails`, {
      recipients: ['mallory@evil.example'],
    })
    expect(refused.status).toBe(400)
  })
})
