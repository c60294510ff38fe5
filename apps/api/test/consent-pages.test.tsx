// The consent pages' presenter and pages: the outcome the administrator is shown, the live refresh only
// while the setup moves, and text from the tenant or Microsoft rendered as text.
import { describe, expect, it } from 'vitest'
import { presentLinkProblem, presentResult } from '../src/routes/consent/pages/presenter.ts'
import { refusedPage } from '../src/routes/consent/pages/problems.tsx'
import { resultPage } from '../src/routes/consent/pages/result.tsx'

const partner = { name: 'Truesec Detect AB', tenantId: '11111111-1111-4111-8111-111111111111' }
const status = {
  customerName: 'Litware',
  partnerConfigured: false,
  failed: false,
  awaitingConfirmation: false,
  onboardingState: 'consent_received',
  steps: [
    { step: 'consent_received', status: 'succeeded', message: null, finishedAt: null },
    { step: 'access_verified', status: 'running', message: '<b>reading</b>', finishedAt: null },
  ],
}

describe('consent pages', () => {
  it('shows the outcome and refreshes only while the setup moves', () => {
    const running = presentResult('a1', status, partner)
    expect(running.outcome).toBe('running')
    expect(running.live).toBe(true)
    expect(running.steps.map((s) => [s.label, s.icon, s.tone])).toEqual([
      ['Admin consent granted', '✓', 'ok'],
      ['Access to your tenant verified', '…', 'info'],
    ])
    expect(presentResult('a1', { ...status, awaitingConfirmation: true }, partner).outcome).toBe('awaiting')
    const done = presentResult('a1', { ...status, partnerConfigured: true }, partner)
    expect([done.outcome, done.live]).toEqual(['configured', false])
    expect([presentResult('a1', { ...status, failed: true }, partner).outcome]).toEqual(['failed'])
  })

  it('renders the live page with the status script and the no-script refresh, escaping step messages', () => {
    const page = resultPage(presentResult('a1', status, partner))
    expect(page).toContain('<noscript><meta http-equiv="refresh" content="3"/></noscript>')
    expect(page).toContain('<script src="/assets/consent-status.js" defer=""></script>')
    expect(page).toContain(
      '<div id="live" data-status-url="/consent/status/a1" data-step-labels="{&quot;link_issued&quot;:&quot;Consent link issued&quot;,',
    )
    expect(page).toContain(
      'data-step-tones="{&quot;succeeded&quot;:&quot;ok&quot;,&quot;failed&quot;:&quot;bad&quot;,&quot;running&quot;:&quot;info&quot;}">',
    )
    expect(page).toContain('<span class="message">&lt;b&gt;reading&lt;/b&gt;</span>')
    const done = resultPage(presentResult('a1', { ...status, partnerConfigured: true }, partner))
    expect(done).not.toContain('<script')
    expect(done).not.toContain('http-equiv')
  })

  it('words each link problem and escapes a refusal', () => {
    expect(presentLinkProblem('completed', partner)).toEqual({
      title: 'Consent was already given',
      text: 'This link has been used. Truesec Detect AB now manages the setup; nothing more is needed from you.',
      tone: 'ok',
    })
    const page = refusedPage({ title: 'Wrong tenant', message: '"><img src=x>', nextStep: 'Ask.' })
    expect(page).toContain('<p>&quot;&gt;&lt;img src=x&gt;</p>')
    expect(page).toContain('<body class="customer">')
  })
})
