// The container check's onboarding (scripts/container-check.sh): one customer onboarded end to end against
// the running containers, as staff and the customer's administrator would do it. An Operator (signed in at
// the simulator) adds the customer and issues a consent link over the JSON API; the administrator walks the
// link in headless Chromium (landing page, Microsoft's account picker, consent page, Accept) until the result
// page says "Configured"; the API then reports the customer onboarded and compliant.
// Environment: API_URL, SIM_LOGIN_URL, STAFF_CLIENT_SECRET, NODE_EXTRA_CA_CERTS (the simulator's CA).
// Prints the customer's id on success; exits 1 with the reason otherwise.
import { DEMO_IDS } from '@crosstrust/ms-sim'
import { openBrowser } from '../support/browser.ts'
import { staffTokenAt } from '../support/staff-tokens.ts'

const apiUrl = required('API_URL')
const loginUrl = required('SIM_LOGIN_URL')
const tenantId = DEMO_IDS.customers.contoso

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} must be set`)
  return value
}

const token = await staffTokenAt(
  {
    baseUrl: apiUrl,
    loginUrl,
    tenantId: DEMO_IDS.partnerTenantId,
    clientId: DEMO_IDS.staffAppClientId,
    clientSecret: required('STAFF_CLIENT_SECRET'),
  },
  'operator',
)

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} answered ${String(res.status)}: ${text}`)
  return JSON.parse(text) as Record<string, unknown>
}

const created = await api('POST', '/api/v1/customers', {
  name: `Container check ${new Date().toISOString()}`,
  tenant: tenantId,
})
const customer = (created.customer ?? created) as { id: string }
const link = (await api('POST', `/api/v1/customers/${customer.id}/consent-links`)) as { url: string }

const browser = await openBrowser([loginUrl])
try {
  const { page } = browser
  await page.goto(link.url)
  await page.getByRole('button', { name: /Continue to Microsoft/ }).click()
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/)
  await page.locator(`form[action="/${tenantId}/oauth2/v2.0/authorize"] button`).click()
  await page.waitForURL(new RegExp(`/${tenantId}/v2\\.0/adminconsent`))
  await page.getByRole('button', { name: 'Accept', exact: true }).click()
  await page.waitForURL(/\/consent\/result\//)
  const final = page.locator('[data-outcome="configured"], [data-outcome="failed"]')
  await final.waitFor({ timeout: 60_000 })
  const outcome = await final.getAttribute('data-outcome')
  await browser.screenshot('container-check-result')
  if (outcome !== 'configured') throw new Error(`the result page says ${String(outcome)}`)
  if (browser.errors.length > 0) throw new Error(`page errors: ${browser.errors.join('; ')}`)
} finally {
  await browser.close()
}

const detail = (await api('GET', `/api/v1/customers/${customer.id}`)) as {
  customer: { onboardingState: string; complianceState: string }
}
const { onboardingState, complianceState } = detail.customer
if (onboardingState !== 'onboarded' || complianceState !== 'compliant') {
  throw new Error(`the API reports ${onboardingState} / ${complianceState}`)
}
process.stdout.write(`${customer.id}\n`)
