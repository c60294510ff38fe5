// The customer status on the dashboard: the list badge carries the code and, on hover, the reason and fix;
// the customer page's line spells the fix out; text from the tenant (a failure reason) is escaped.
import { customerStatus } from '@crosstrust/core'
import { describe, expect, it } from 'vitest'
import { renderFragment } from '../src/html/render.ts'
import { StatusBadge, StatusLine } from '../src/routes/dashboard/ui/customer-status.tsx'

const accessNeeded = customerStatus({
  onboardingState: 'onboarded',
  complianceState: 'access_lost',
  offboardedAt: null,
  consecutiveFailures: 2,
  missingPermissions: [],
  lastFailureReason: null,
})

describe('customer status on the dashboard', () => {
  it('shows the label with the code, and the reason and fix on hover', () => {
    const html = renderFragment(<StatusBadge status={accessNeeded} />)
    expect(html).toContain('data-status="access_needed"')
    expect(html).toContain('>Access needed<')
    expect(html).toContain('Fix: Send a fresh consent link')
  })

  it('spells out the fix on the customer page and escapes the reason', () => {
    const failed = customerStatus({
      onboardingState: 'failed',
      complianceState: 'pending',
      offboardedAt: null,
      consecutiveFailures: 0,
      missingPermissions: [],
      lastFailureReason: '<script>alert(1)</script>',
    })
    const html = renderFragment(<StatusLine status={failed} />)
    expect(html).toContain('data-customer-status="error"')
    expect(html).toContain('<strong>Fix:</strong>')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
  })
})
