// The status-link mail: what the page shows, that the link does not expire but can be revoked, how to check
// the sender; names staff typed cannot inject markup into the HTML part.
import { describe, expect, it } from 'vitest'
import { statusLinkEmail } from '../src/index.ts'

const input = {
  partnerName: 'Truesec Detect AB',
  partnerTenantId: '07d2f395-f69c-43ab-88a2-b82f1151042d',
  customerName: 'Litware',
  url: 'https://crosstrust.example/status/abcdefghijklmnopqrstuvwxyz012345',
}

describe('statusLinkEmail', () => {
  it('says what the page shows, that the link lasts until revoked, and how to check the sender', () => {
    const mail = statusLinkEmail(input)
    expect(mail.subject).toBe('Litware is connected to Truesec Detect AB: your status page')
    expect(mail.text).toContain(input.url)
    expect(mail.text).toContain('The link does not expire. Truesec Detect AB can revoke it')
    expect(mail.text).toContain('only accounts of your own tenant can see it')
    expect(mail.text).toContain('the link points to https://crosstrust.example/ and nowhere else')
    expect(mail.text).toContain(`tenant ID ${input.partnerTenantId}`)
    expect(mail.html).toContain(`<a href="${input.url}">${input.url}</a>`)
  })

  it('escapes names in the HTML part', () => {
    const mail = statusLinkEmail({ ...input, customerName: '<img src=x onerror=alert(1)>"Evil"' })
    expect(mail.html).not.toContain('<img')
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;Evil&quot;')
  })
})
