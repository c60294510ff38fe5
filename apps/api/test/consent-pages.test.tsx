// The consent pages' presenter and pages: the outcome the administrator is shown, the live refresh only
// while the setup moves, and text from the tenant or Microsoft rendered as text.
import { describe, expect, it } from 'vitest'
import { presentLinkProblem, presentResult } from '../src/routes/consent/pages/presenter.ts'
import { refusedPage } from '../src/routes/consent/pages/problems.tsx'
import { resultPage } from '../src/routes/consent/pages/result.tsx'

const partner = { name: 'Truesec Detect AB', tenantId: '11111111-1111-4111-8111-111111111111' }
const NOW = new Date('2026-12-03T12:00:00Z')
const status = {
  trust: null,
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
    const running = presentResult('a1', status, partner, NOW)
    expect(running.outcome).toBe('running')
    expect(running.live).toBe(true)
    expect(running.steps.map((s) => [s.label, s.icon, s.tone])).toEqual([
      ['Admin consent granted', '✓', 'ok'],
      ['Access to your tenant verified', '…', 'info'],
    ])
    expect(presentResult('a1', { ...status, awaitingConfirmation: true }, partner, NOW).outcome).toBe(
      'awaiting',
    )
    const done = presentResult('a1', { ...status, partnerConfigured: true }, partner, NOW)
    expect([done.outcome, done.live]).toEqual(['configured', false])
    expect([presentResult('a1', { ...status, failed: true }, partner, NOW).outcome]).toEqual(['failed'])
  })

  it('renders the live page with the status script and the no-script refresh, escaping step messages', () => {
    const page = resultPage(presentResult('a1', status, partner, NOW))
    expect(page).toContain('<noscript><meta http-equiv="refresh" content="3"/></noscript>')
    expect(page).toContain('<script src="/assets/consent-status.js" defer=""></script>')
    expect(page).toContain(
      '<div id="live" data-status-url="/consent/status/a1" data-phase="running" data-step-labels="{&quot;link_issued&quot;:&quot;Consent link issued&quot;,',
    )
    expect(page).toContain(
      'data-step-tones="{&quot;succeeded&quot;:&quot;ok&quot;,&quot;failed&quot;:&quot;bad&quot;,&quot;running&quot;:&quot;info&quot;}">',
    )
    expect(page).toContain('<span class="message">&lt;b&gt;reading&lt;/b&gt;</span>')
    const done = resultPage(presentResult('a1', { ...status, partnerConfigured: true }, partner, NOW))
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

  it('after the setup, waits for the first verdict, then answers "will it work?" in the admin\'s words', () => {
    const verified = {
      step: 'verified',
      status: 'succeeded',
      message: null,
      finishedAt: '2026-12-03T11:59:30.000Z',
    }
    const configured = { ...status, partnerConfigured: true, steps: [...status.steps, verified] }
    const waiting = presentResult('a1', configured, partner, NOW)
    expect([waiting.phase, waiting.live, waiting.verdictPending]).toEqual(['configured', true, true])
    const waitingPage = resultPage(waiting)
    expect(waitingPage).toContain('data-phase="configured"')
    expect(waitingPage).toContain('Checking whether the trust takes effect')
    // Long after the settings were verified and still no verdict (a read failed): stop refreshing.
    const later = presentResult('a1', configured, partner, new Date('2026-12-03T12:05:00Z'))
    expect([later.live, later.verdictPending]).toEqual([false, false])
    expect(resultPage(later)).toContain('will see the answer after the first check')

    const trust = {
      verdict: 'partly' as const,
      label: 'partly',
      reason:
        'Your policy "Guests need a compliant device" asks for a compliant device, which is not trusted.',
      fix: 'Turn on "Trust compliant devices" for the partner.',
      evaluatedAt: '2026-12-03T11:59:40.000Z',
      requirements: [
        {
          requirement: 'mfa' as const,
          outcome: 'satisfied' as const,
          reason: 'Their MFA is trusted.',
          fix: null,
        },
        {
          requirement: 'compliant_device' as const,
          outcome: 'prompted' as const,
          reason: 'Devices are not trusted.',
          fix: 'Trust compliant devices.',
        },
      ],
    }
    const answered = presentResult('a1', { ...configured, trust }, partner, NOW)
    expect([answered.phase, answered.live]).toEqual(['verdict', false])
    expect(answered.verdict?.headline).toBe('Trust is partly effective')
    expect(answered.verdict?.requirements.map((r) => [r.name, r.outcome, r.tone])).toEqual([
      ['Multifactor authentication', 'trusted: no second prompt', 'ok'],
      ['Compliant device', 'still prompted', 'warn'],
    ])
    const page = resultPage(answered)
    expect(page).toContain('Will it work for Truesec Detect AB&#39;s operators?')
    expect(page).toContain(
      '<strong>Trust is partly effective.</strong> Your policy &quot;Guests need a compliant device&quot;',
    )
    expect(page).toContain('To fix: Turn on &quot;Trust compliant devices&quot; for the partner.')
    expect(page).not.toContain('<script')
  })
})
