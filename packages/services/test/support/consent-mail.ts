// A customer whose admin consented through the link staff mailed to its two contacts, as onboarding finds it
// just before it completes: the consent-link mail went out over SMTP and its link is used.
import { expect } from 'vitest'
import { requestConsentEmail, sendConsentEmail, type EmailSettings, type Mailer } from '../../src/index.ts'
import { addTenant, consentedCustomer, type RunnerFixture } from './runners.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Oskar Operator' }

export interface ConsentedByMail {
  customerId: string
  tenantId: string
  consentMailId: string
  consentLinkId: string
  /** The contacts' mail domain: ada@ and bo@ it. */
  domain: string
}

export async function consentedByMail(
  fx: RunnerFixture,
  mailer: Mailer,
  settings: EmailSettings,
): Promise<ConsentedByMail> {
  const tenantId = addTenant(fx)
  const customerId = await consentedCustomer(fx, tenantId, true)
  const domain = `c${customerId.slice(0, 8)}.example`
  await fx.db.prisma.customer.update({
    where: { id: customerId },
    data: {
      contacts: [
        { name: 'Ada Admin', email: `ada@${domain}` },
        { name: 'Bo Backup', email: `bo@${domain}` },
      ],
    },
  })
  const mail = await requestConsentEmail(
    fx.ctx,
    customerId,
    { recipients: [`ada@${domain}`, `bo@${domain}`] },
    STAFF,
    true,
  )
  expect(await sendConsentEmail(fx.ctx, mailer, settings, mail.id, { attempt: 1, maxAttempts: 5 })).toBe(
    'sent',
  )
  const sent = await fx.db.prisma.emailDelivery.findUniqueOrThrow({ where: { id: mail.id } })
  const consentLinkId = sent.consentLinkId ?? ''
  await fx.db.prisma.consentLink.update({ where: { id: consentLinkId }, data: { usedAt: new Date() } })
  return { customerId, tenantId, consentMailId: mail.id, consentLinkId, domain }
}
