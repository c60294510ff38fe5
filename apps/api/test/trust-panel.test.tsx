// The dashboard's effective-trust panel and badge: reason, fix, requirements, findings, the one-click fresh
// consent link for "re-consent needed" (operators only), and escaping of text that comes from the tenant.
import { describe, expect, it } from 'vitest'
import type { TrustDetail } from '@crosstrust/services'
import { renderFragment } from '../src/html/render.ts'
import { TrustBadge, TrustPanel } from '../src/routes/dashboard/ui/trust.tsx'

const now = new Date('2026-12-03T08:00:00Z')
const panel = (detail: TrustDetail, operator: boolean) =>
  renderFragment(
    <TrustPanel customerId="c1" trust={detail} reconsent={operator ? { csrfToken: null } : null} now={now} />,
  )

const reconsent: TrustDetail = {
  verdict: 'unknown',
  reason: 'Re-consent needed: Policy.Read.All — to read your Conditional Access policies.',
  fix: 'Send the customer a fresh consent link so their administrator grants the new permission.',
  evaluatedAt: now,
  changedAt: now,
  requirements: [],
  findings: [
    {
      code: 'reconsent_needed',
      severity: 'blocker',
      permission: 'Policy.Read.All',
      reason: 'Re-consent needed: Policy.Read.All — to read your Conditional Access policies.',
      fix: 'Send a fresh consent link.',
    },
  ],
  missingPermissions: ['Policy.Read.All'],
}

describe('trust panel', () => {
  it('shows re-consent needed with a one-click fresh consent link for operators only', () => {
    const page = panel(reconsent, true)
    expect(page).toContain('Re-consent needed:')
    expect(page).toContain('data-reconsent="Policy.Read.All"')
    expect(page).toContain('action="/customers/c1/consent-links"')
    expect(page).toContain('Send fresh consent link')
    const viewer = panel(reconsent, false)
    expect(viewer).toContain('Re-consent needed:')
    expect(viewer).not.toContain('Send fresh consent link')
  })

  it('lists requirements with reasons and fixes, and escapes policy names', () => {
    const detail: TrustDetail = {
      ...reconsent,
      verdict: 'partly',
      reason: '"<b>VIP</b>" asks for an authentication strength.',
      fix: 'Use the built-in strength.',
      missingPermissions: [],
      requirements: [
        {
          requirement: 'mfa',
          outcome: 'conditional',
          reason: '"<b>VIP</b>" asks for an authentication strength.',
          fix: 'Use the built-in strength.',
          policies: [{ id: 'p', displayName: '<b>VIP</b>' }],
        },
      ],
      findings: [],
    }
    const page = panel(detail, true)
    expect(page).toContain('data-outcome="conditional"')
    expect(page).toContain('Depends on the method')
    expect(page).toContain('&lt;b&gt;VIP&lt;/b&gt;')
    expect(page).not.toContain('<b>VIP</b>')
    expect(page).not.toContain('Send fresh consent link')
  })

  it('badges each verdict, and a dash before the first evaluation', () => {
    expect(renderFragment(<TrustBadge trust={null} />)).toContain('—')
    expect(
      renderFragment(
        <TrustBadge trust={{ verdict: 'no_effect', reason: 'r', fix: null, evaluatedAt: now }} />,
      ),
    ).toContain('No effect')
  })
})
