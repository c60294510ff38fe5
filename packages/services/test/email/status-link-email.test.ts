// After onboarding, the contacts whose consent-link mail was used get the status page link by mail, against
// a real SMTP server on loopback and the simulator: the job mints the link when it sends (the token is in
// the mail only, never in the queue or the database), once per consent mail however often onboarding runs,
// never to an address that bounced, and not at all when email is off or the consent did not come by mail.
import { hashToken } from '@crosstrust/core'
import { describe, expect, it } from 'vitest'
import {
  inspectStatusLink,
  issueConsentLink,
  listEmailDeliveries,
  queueStatusLinkEmail,
  requestConsentEmail,
  resetFrom,
  runOnboarding,
  sendConsentEmail,
  statusLinkSummary,
} from '../../src/index.ts'
import { useMailRunner } from '../support/mail-runner.ts'
import { consentedByMail as consentedByMailTo } from '../support/consent-mail.ts'
import { addTenant, consentedCustomer } from '../support/runners.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Oskar Operator' }
const ATTEMPT = { attempt: 1, maxAttempts: 5 }

const m = useMailRunner()

const withEmail = () => ({
  ...m.fx.onboarding,
  settings: { ...m.fx.onboarding.settings, statusLinkEmail: true },
})

const consentedByMail = () => consentedByMailTo(m.fx, m.mailer, m.settings)

const emailJobs = () => m.fx.enqueued.filter((job) => job.kind === 'email')
const statusMails = (customerId: string) =>
  m.fx.db.prisma.emailDelivery.findMany({ where: { customerId, kind: 'status_link' } })

describe('status page link by email after onboarding', () => {
  it('mails the consent mail’s recipients a working status link, minted at send time', async () => {
    const { customerId, consentMailId } = await consentedByMail()
    m.smtp.mails.length = 0
    m.fx.enqueued.length = 0

    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('onboarded')
    const [row] = await statusMails(customerId)
    expect(row).toMatchObject({ status: 'pending', remindsId: consentMailId, statusLinkId: null })
    // Queued after the commit, by delivery id only (the job id is email-<deliveryId>): no token in Redis.
    expect(emailJobs()).toEqual([{ kind: 'email', payload: { deliveryId: row?.id } }])
    expect(await m.fx.db.prisma.statusLink.count({ where: { customerId } })).toBe(0)

    expect(await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, row?.id ?? '', ATTEMPT)).toBe('sent')
    const [mail] = await m.smtp.waitForMails(1)
    const domain = `c${customerId.slice(0, 8)}.example`
    expect(mail?.envelopeTo.sort()).toEqual([`ada@${domain}`, `bo@${domain}`])
    const parsed = mail?.parsed
    expect(parsed?.subject).toMatch(/is connected to Truesec Detect AB: your status page$/)
    const text = parsed?.text ?? ''
    expect(text).toContain('The link does not expire. Truesec Detect AB can revoke it')
    expect(text).toContain('the settings agreed against what the last check saw')
    expect(text).toContain('the link points to https://crosstrust.example/ and nowhere else')
    expect(text).toContain(`tenant ID ${m.settings.partnerTenantId}`)
    const url = /https:\/\/crosstrust\.example\/status\/([A-Za-z0-9_-]+)/.exec(text)
    const token = url?.[1] ?? ''
    expect(parsed?.html).toContain(`href="${url?.[0] ?? ''}"`)

    // The mailed link opens the customer's status page; the database holds only its hash.
    const inspected = await inspectStatusLink(m.fx.ctx, token)
    expect(inspected).toMatchObject({ status: 'valid' })
    const link = await m.fx.db.prisma.statusLink.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })
    expect(link).toMatchObject({
      customerId,
      createdBy: 'Email after onboarding',
      delivery: 'email',
      revokedAt: null,
    })
    const sent = await m.fx.db.prisma.emailDelivery.findUniqueOrThrow({ where: { id: row?.id ?? '' } })
    expect(sent).toMatchObject({ status: 'sent', statusLinkId: link.id, messageId: parsed?.messageId })
    expect(JSON.stringify(sent)).not.toContain(token)
    const logged = await listEmailDeliveries(m.fx.db.prisma, customerId)
    expect(logged[0]).toMatchObject({ kind: 'status_link', status: 'sent' })
    const actions = await m.fx.db.prisma.auditEvent.findMany({
      where: { customerId, action: { startsWith: 'status_' } },
      orderBy: { chainSeq: 'asc' },
      select: { action: true, after: true },
    })
    expect(actions.map((a) => a.action)).toEqual([
      'status_email.requested',
      'status_link.issued',
      'status_email.sent',
    ])
    // A delivery adds a link; it never revokes one the customer may hold.
    expect(actions[1]?.after).toEqual({ delivery: 'email', earlierLinks: 'kept', revokedEarlier: 0 })
    // A second delivery of the same job sends nothing.
    expect(await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, row?.id ?? '', ATTEMPT)).toBe(
      'already_done',
    )
  })

  it('mails once per consent mail however often onboarding runs', async () => {
    const { customerId } = await consentedByMail()
    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('onboarded')
    m.fx.enqueued.length = 0
    // Onboarding again for the same consent (a retried job finds nothing to do; a run reset to apply the
    // policy again goes through verification once more) queues no second mail.
    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('skipped')
    await m.fx.db.prisma.$transaction((tx) => resetFrom(tx, customerId, 'policy_applied'))
    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('onboarded')
    expect(await m.fx.db.prisma.$transaction((tx) => queueStatusLinkEmail(tx, customerId))).toBeNull()
    expect(emailJobs()).toEqual([])
    expect(await statusMails(customerId)).toHaveLength(1)
  })

  it('leaves out an address that bounced the consent mail', async () => {
    const customerId = await consentedCustomer(m.fx, addTenant(m.fx), true)
    const domain = `c${customerId.slice(0, 8)}.example`
    await m.fx.db.prisma.customer.update({
      where: { id: customerId },
      data: {
        contacts: [
          { name: 'Ada', email: `ada@${domain}` },
          { name: 'Bo', email: `bo@${domain}` },
        ],
      },
    })
    m.smtp.refuse.add(`bo@${domain}`)
    const mail = await requestConsentEmail(
      m.fx.ctx,
      customerId,
      { recipients: [`ada@${domain}`, `bo@${domain}`] },
      STAFF,
      true,
    )
    expect(await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, mail.id, ATTEMPT)).toBe('sent')
    m.smtp.refuse.clear()
    const sent = await m.fx.db.prisma.emailDelivery.findUniqueOrThrow({ where: { id: mail.id } })
    await m.fx.db.prisma.consentLink.update({
      where: { id: sent.consentLinkId ?? '' },
      data: { usedAt: new Date() },
    })

    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('onboarded')
    const [row] = await statusMails(customerId)
    expect(row?.recipients).toEqual([{ name: 'Ada', email: `ada@${domain}` }])
  })

  it('sends nothing without email, or when the consent did not come by mail', async () => {
    // No SMTP_URL: the worker leaves statusLinkEmail off; onboarding completes and queues no mail.
    const { customerId } = await consentedByMail()
    m.fx.enqueued.length = 0
    await expect(runOnboarding(m.fx.onboarding, customerId)).resolves.toBe('onboarded')
    expect(emailJobs()).toEqual([])
    expect(await statusMails(customerId)).toEqual([])

    // A link staff handed over themselves: nobody to mail.
    const handed = await consentedCustomer(m.fx, addTenant(m.fx), true)
    const link = await issueConsentLink(
      m.fx.ctx,
      { publicBaseUrl: m.settings.publicBaseUrl, ttlDays: 14 },
      handed,
      STAFF,
    )
    await m.fx.db.prisma.consentLink.update({ where: { id: link.id }, data: { usedAt: new Date() } })
    await expect(runOnboarding(withEmail(), handed)).resolves.toBe('onboarded')
    expect(emailJobs()).toEqual([])
    expect(await statusMails(handed)).toEqual([])
  })

  it('revokes the link of an attempt that did not go out; the retry mails a working one', async () => {
    const { customerId } = await consentedByMail()
    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('onboarded')
    const [row] = await statusMails(customerId)
    const id = row?.id ?? ''
    await m.smtp.stop()
    try {
      expect(await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, id, { attempt: 1, maxAttempts: 3 })).toBe(
        'retry',
      )
    } finally {
      await m.smtp.start()
    }
    // Its token was only in the mail that never left: nobody holds the link, so it stands among no working ones.
    const [undelivered] = await m.fx.db.prisma.statusLink.findMany({ where: { customerId } })
    expect(undelivered).toMatchObject({ delivery: 'email' })
    expect(undelivered?.revokedAt).not.toBeNull()
    const deferred = await m.fx.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId, action: 'status_email.deferred' },
    })
    expect(deferred.after).toMatchObject({ revokedUndelivered: { statusLinkId: undelivered?.id } })

    m.smtp.mails.length = 0
    expect(await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, id, { attempt: 2, maxAttempts: 3 })).toBe(
      'sent',
    )
    const [mail] = await m.smtp.waitForMails(1)
    const token = /\/status\/([A-Za-z0-9_-]+)/.exec(mail?.parsed.text ?? '')?.[1] ?? ''
    expect(await inspectStatusLink(m.fx.ctx, token)).toMatchObject({ status: 'valid' })
    expect(await statusLinkSummary(m.fx.ctx, customerId)).toMatchObject({
      working: [{ delivery: 'email' }],
      revokedCount: 1,
    })
  })

  it('does not mail a customer that was offboarded before the mail went out', async () => {
    const { customerId } = await consentedByMail()
    await expect(runOnboarding(withEmail(), customerId)).resolves.toBe('onboarded')
    const [row] = await statusMails(customerId)
    await m.fx.db.prisma.customer.update({
      where: { id: customerId },
      data: { onboardingState: 'offboarded' },
    })
    m.smtp.mails.length = 0
    expect(await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, row?.id ?? '', ATTEMPT)).toBe('failed')
    expect(m.smtp.mails).toEqual([])
    expect(await m.fx.db.prisma.statusLink.count({ where: { customerId } })).toBe(0)
  })
})
