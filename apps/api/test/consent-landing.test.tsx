// The consent link's landing page: a first consent explains the whole change; a re-consent (an onboarded
// customer whose consent lacks a permission added since) first says what is new and that nothing else changes.
import { defaultPolicy } from '@crosstrust/core'
import { describe, expect, it } from 'vitest'
import { landingPage, type LandingView } from '../src/routes/consent/pages/landing.tsx'

const view: LandingView = {
  token: 'a'.repeat(43),
  customerName: 'Fabrikam Retail',
  newPermissions: [],
  partner: { name: 'Truesec Detect AB', tenantId: '11111111-2222-4333-8444-555555555555' },
  policy: defaultPolicy,
  expiresAt: new Date('2026-12-10T00:00:00Z'),
}

const section = (html: string) =>
  /<section[^>]*data-section="what-is-new"[^>]*>([\s\S]*?)<\/section>/.exec(html)

describe('consent landing page', () => {
  it('has no "What is new" section for a first consent', () => {
    const html = landingPage(view)
    expect(section(html)).toBeNull()
    expect(html).toContain('What will change in your tenant')
  })

  it('opens a re-consent with the new permission, why it is needed, and that nothing else changes', () => {
    const html = landingPage({ ...view, newPermissions: ['Policy.Read.All'] })
    const body = section(html)?.[1] ?? ''
    expect(body).toContain('<h2 id="new">What is new</h2>')
    expect(body).toContain('Your organization already trusts Truesec Detect AB.')
    expect(body).toContain('this permission, which your first consent did not include')
    expect(body).toContain(
      '<span class="mono">Policy.Read.All</span>: To read your Conditional Access and authorization policies',
    )
    expect(body).toContain('your cross-tenant access settings for Truesec Detect AB stay exactly as they are')
    // The section comes before the rest of the page.
    expect(html.indexOf('What is new')).toBeLessThan(html.indexOf('Who is asking'))
  })
})
