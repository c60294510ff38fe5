// The consent-link email: who asks, what changes, the expiry, how to check the sender; HTML escapes names.
import { describe, expect, it } from 'vitest'
import { consentEmail } from '../src/index.ts'

const base = {
  kind: 'consent_link' as const,
  partnerName: 'Truesec Detect AB',
  partnerTenantId: '07d2f395-f69c-43ab-88a2-b82f1151042d',
  customerName: 'Litware <Nordic> & Co',
  url: 'https://crosstrust.example/consent/abc',
  expiresAt: new Date('2026-12-17T08:00:00Z'),
  requestedBy: null,
}

describe('consentEmail', () => {
  it('says who asks, what changes, when the link expires and how to check the sender', () => {
    const mail = consentEmail(base)
    expect(mail.subject).toBe('Truesec Detect AB asks you to connect Litware <Nordic> & Co (admin consent)')
    expect(mail.text).toContain('Truesec Detect AB asks you, as an administrator of Litware <Nordic> & Co')
    expect(mail.text).toContain('tenant ID 07d2f395-f69c-43ab-88a2-b82f1151042d')
    expect(mail.text).toContain('Thu, 17 Dec 2026 08:00:00 GMT')
    expect(mail.text).toContain('https://crosstrust.example/ and nowhere else')
    expect(mail.text).toContain('\n\nhttps://crosstrust.example/consent/abc\n\n')
  })

  it('escapes names in the HTML part', () => {
    const { html } = consentEmail(base)
    expect(html).toContain('Litware &lt;Nordic&gt; &amp; Co')
    expect(html).not.toContain('<Nordic>')
    expect(html).toContain('<a href="https://crosstrust.example/consent/abc">')
  })

  it('a reminder carries a new link and says the earlier one still works until it expires', () => {
    const mail = consentEmail({ ...base, kind: 'reminder', requestedBy: 'Oskar Operator' })
    expect(mail.subject).toMatch(/^Reminder: /)
    expect(mail.text).toContain('Oskar Operator at Truesec Detect AB asked you')
    expect(mail.text).toContain('the earlier one still works until it expires')
    expect(mail.text).not.toContain('no longer works')
  })
})
