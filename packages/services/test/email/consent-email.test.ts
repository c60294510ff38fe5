// Consent links by email against a real SMTP server on loopback: staff pick contacts, the mail carries a
// working link and says who asks, what changes, when it expires and how to check the sender; an SMTP outage
// is recorded and retried; a permanent refusal is a bounce; one reminder per mail before the link expires.
import { hashToken } from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { startSmtpCatcher, type SmtpCatcher } from '@crosstrust/testkit/smtp'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createMailer,
  inspectConsentLink,
  issueConsentLink,
  listConsentLinks,
  listEmailDeliveries,
  queueConsentReminders,
  recordDeliveryStatusReport,
  requestConsentEmail,
  sendConsentEmail,
  type EmailSettings,
  type Mailer,
  type ServiceContext,
} from '../../src/index.ts'

const PARTNER_TENANT = '07d2f395-f69c-43ab-88a2-b82f1151042d'
const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Oskar Operator' }
const settings: EmailSettings = {
  from: 'Truesec Detect AB <onboarding@crosstrust.example>',
  replyTo: 'soc@truesec.example',
  partnerName: 'Truesec Detect AB',
  partnerTenantId: PARTNER_TENANT,
  publicBaseUrl: 'https://crosstrust.example',
  linkTtlDays: 14,
}

let db: TestDatabase
let smtp: SmtpCatcher
let mailer: Mailer
let ctx: ServiceContext
let enqueued: string[]

beforeAll(async () => {
  db = await createTestDatabase()
  smtp = await startSmtpCatcher()
  mailer = createMailer(smtp.url)
})
afterAll(async () => {
  mailer.close()
  await smtp.stop()
  await db.drop()
})
beforeEach(() => {
  enqueued = []
  smtp.mails.length = 0
  smtp.refuse.clear()
  ctx = {
    db: db.prisma,
    now: () => new Date(),
    enqueue: (kind, payload) => {
      enqueued.push(`${kind}:${JSON.stringify(payload)}`)
      return Promise.resolve()
    },
  }
})

async function customerWithContacts(name: string) {
  return db.prisma.customer.create({
    data: {
      name,
      expectedDomain: `${name.toLowerCase()}.example`,
      contacts: [
        { name: 'Ada Admin', email: `ada@${name.toLowerCase()}.example`, role: 'Global Administrator' },
        { name: 'Bo Backup', email: `bo@${name.toLowerCase()}.example` },
      ],
    },
  })
}

describe('consent links by email', () => {
  it('sends the chosen contacts a mail with a working link, in plain text and HTML', async () => {
    const customer = await customerWithContacts('Litware')
    const delivery = await requestConsentEmail(
      ctx,
      customer.id,
      { recipients: ['ADA@litware.example'] },
      STAFF,
      true,
    )
    expect(delivery).toMatchObject({ status: 'pending', recipients: [{ name: 'Ada Admin' }] })
    expect(enqueued).toEqual([`email:{"deliveryId":"${delivery.id}"}`])

    expect(await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 5 })).toBe(
      'sent',
    )
    const [mail] = await smtp.waitForMails(1)
    expect(mail?.envelopeTo).toEqual(['ada@litware.example'])
    const { parsed } = mail ?? { parsed: undefined }
    expect(parsed?.from?.text).toContain('onboarding@crosstrust.example')
    expect(parsed?.replyTo?.text).toBe('soc@truesec.example')
    expect(parsed?.subject).toBe('Truesec Detect AB asks you to connect Litware (admin consent)')
    const text = parsed?.text ?? ''
    expect(text).toContain('Oskar Operator at Truesec Detect AB asks you')
    expect(text).toContain(`tenant ID ${PARTNER_TENANT}`)
    expect(text).toContain('What will change')
    expect(text).toMatch(/valid until .* and works once/)
    expect(text).toContain('the link points to https://crosstrust.example/ and nowhere else')
    const url = /https:\/\/crosstrust\.example\/consent\/([A-Za-z0-9_-]+)/.exec(text)
    expect(url).not.toBeNull()
    expect(parsed?.html).toContain(`href="${url?.[0] ?? ''}"`)

    // The link in the mail is the customer's one open link.
    const link = await db.prisma.consentLink.findUnique({ where: { tokenHash: hashToken(url?.[1] ?? '') } })
    expect(link).toMatchObject({ customerId: customer.id, usedAt: null, revokedAt: null })
    const [logged] = await listEmailDeliveries(db.prisma, customer.id)
    expect(logged).toMatchObject({ status: 'sent', attempts: 1, lastError: null, bouncedRecipients: [] })
    expect(logged?.messageId).toBe(parsed?.messageId)
    const actions = await db.prisma.auditEvent.findMany({
      where: { customerId: customer.id },
      orderBy: { chainSeq: 'asc' },
      select: { action: true },
    })
    expect(actions.map((a) => a.action)).toEqual([
      'consent_email.requested',
      'consent_link.issued',
      'consent_email.sent',
    ])
  })

  it('sends only to the customer’s own contacts', async () => {
    const customer = await customerWithContacts('Fabrikam')
    await expect(
      requestConsentEmail(ctx, customer.id, { recipients: ['mallory@evil.example'] }, STAFF, true),
    ).rejects.toThrow(/contacts/)
    expect(enqueued).toEqual([])
  })

  it('records an SMTP outage, retries, and fails for good after the last attempt', async () => {
    const customer = await customerWithContacts('Northwind')
    const delivery = await requestConsentEmail(
      ctx,
      customer.id,
      { recipients: ['ada@northwind.example'] },
      STAFF,
      true,
    )
    await smtp.stop()
    try {
      expect(await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 2 })).toBe(
        'retry',
      )
      const [pending] = await listEmailDeliveries(db.prisma, customer.id)
      expect(pending).toMatchObject({ status: 'pending', attempts: 1 })
      expect(pending?.lastError).toMatch(/ECONNREFUSED|connect/i)
    } finally {
      await smtp.start()
    }
    expect(await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 2, maxAttempts: 2 })).toBe(
      'sent',
    )
    await smtp.waitForMails(1)
    expect((await listEmailDeliveries(db.prisma, customer.id))[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
    })
    // The first attempt's link never left: nobody holds it, so it was revoked; the mailed one is open.
    const links = await db.prisma.consentLink.findMany({
      where: { customerId: customer.id },
      orderBy: { createdAt: 'asc' },
    })
    expect(links.map((l) => [l.delivery, l.revokedAt === null])).toEqual([
      ['email', false],
      ['email', true],
    ])
    // A retried job after success sends nothing twice.
    expect(await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 3, maxAttempts: 3 })).toBe(
      'already_done',
    )
    expect(smtp.mails).toHaveLength(1)
  })

  it('records a permanent refusal as a bounce, without retrying', async () => {
    const customer = await customerWithContacts('Contoso')
    smtp.refuse.add('ada@contoso.example')
    const delivery = await requestConsentEmail(
      ctx,
      customer.id,
      { recipients: ['ada@contoso.example'] },
      STAFF,
      true,
    )
    expect(await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 5 })).toBe(
      'bounced',
    )
    const [bounced] = await listEmailDeliveries(db.prisma, customer.id)
    expect(bounced).toMatchObject({ status: 'bounced', bouncedRecipients: ['ada@contoso.example'] })
    expect(bounced?.lastError).toMatch(/550/)
    expect(smtp.mails).toHaveLength(0)
  })

  it('records the refused ones when others accept', async () => {
    const customer = await customerWithContacts('Tailspin')
    smtp.refuse.add('bo@tailspin.example')
    const delivery = await requestConsentEmail(
      ctx,
      customer.id,
      { recipients: ['ada@tailspin.example', 'bo@tailspin.example'] },
      STAFF,
      true,
    )
    expect(await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 5 })).toBe(
      'sent',
    )
    const [mail] = await smtp.waitForMails(1)
    expect(mail?.envelopeTo).toEqual(['ada@tailspin.example'])
    expect((await listEmailDeliveries(db.prisma, customer.id))[0]).toMatchObject({
      status: 'sent',
      bouncedRecipients: ['bo@tailspin.example'],
    })
  })

  it('reminds once before an emailed link expires unused', async () => {
    const customer = await customerWithContacts('Adatum')
    const delivery = await requestConsentEmail(
      ctx,
      customer.id,
      { recipients: ['bo@adatum.example'] },
      STAFF,
      true,
    )
    await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 5 })
    await smtp.waitForMails(1)
    const now = new Date()
    // Not yet within 72 hours of expiry (14 days): nothing.
    expect(await queueConsentReminders(db.prisma, now, 72)).toEqual([])
    const later = new Date(now.getTime() + 12 * 24 * 3600 * 1000)
    // Every emailed link of this file is due by then; this customer's mail gets one reminder.
    expect(await queueConsentReminders(db.prisma, later, 72)).toHaveLength(4)
    expect(await queueConsentReminders(db.prisma, later, 72)).toEqual([])
    const reminders = await db.prisma.emailDelivery.findMany({
      where: { customerId: customer.id, kind: 'reminder' },
    })
    expect(reminders.map((r) => r.remindsId)).toEqual([delivery.id])
    expect(
      await sendConsentEmail(ctx, mailer, settings, reminders[0]?.id ?? '', { attempt: 1, maxAttempts: 5 }),
    ).toBe('sent')
    const mails = await smtp.waitForMails(2)
    expect(mails[1]?.parsed.subject).toBe('Reminder: connect Adatum to Truesec Detect AB (link expires soon)')
    expect(mails[1]?.parsed.text).toContain('the earlier one still works until it expires')
    // The reminder's link is added next to the first one, and a reminder is never reminded.
    const links = await db.prisma.consentLink.findMany({ where: { customerId: customer.id } })
    expect(links.filter((l) => l.revokedAt === null)).toHaveLength(2)
    expect(
      await queueConsentReminders(db.prisma, new Date(later.getTime() + 13 * 24 * 3600 * 1000), 72),
    ).toEqual([])
  })

  it('records a bounce reported back by mail (a delivery status notification)', async () => {
    const customer = await customerWithContacts('Proseware')
    const delivery = await requestConsentEmail(
      ctx,
      customer.id,
      { recipients: ['ada@proseware.example'] },
      STAFF,
      true,
    )
    await sendConsentEmail(ctx, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 5 })
    const [mail] = await smtp.waitForMails(1)
    const dsn = [
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-2@mx.example>',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.proseware.example',
      '',
      'Final-Recipient: rfc822; ada@proseware.example',
      'Action: failed',
      'Status: 5.2.1',
      'Diagnostic-Code: smtp; 550 5.2.1 Mailbox disabled',
      '',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${mail?.parsed.messageId ?? ''}`,
      '',
      '--b--',
    ].join('\r\n')
    const token = /\/consent\/([A-Za-z0-9_-]+)/.exec(mail?.parsed.text ?? '')?.[1] ?? ''
    expect(await inspectConsentLink(ctx, token)).toMatchObject({ status: 'valid' })
    const view = await recordDeliveryStatusReport(ctx, dsn, STAFF)
    expect(view).toMatchObject({
      status: 'bounced',
      bouncedRecipients: ['ada@proseware.example'],
      lastError: 'ada@proseware.example: smtp; 550 5.2.1 Mailbox disabled',
    })
    // Nobody received the link the mail carried: it stops working, as after a bounce at sending.
    expect(await inspectConsentLink(ctx, token)).toEqual({ status: 'revoked' })
    // The same report again records the bounce but revokes nothing more, and says so.
    await recordDeliveryStatusReport(ctx, dsn, STAFF)
    const bounces = await db.prisma.auditEvent.findMany({
      where: { customerId: customer.id, action: 'consent_email.bounced' },
      orderBy: { chainSeq: 'asc' },
    })
    expect(bounces.map((e) => 'revokedUndelivered' in (e.after as object))).toEqual([true, false])
    await expect(
      recordDeliveryStatusReport(ctx, dsn.replace(mail?.parsed.messageId ?? 'x', '<unknown@x>'), STAFF),
    ).rejects.toThrow(/No consent-link email/)
    await expect(recordDeliveryStatusReport(ctx, 'hello', STAFF)).rejects.toThrow(/delivery status/)
  })
})

describe('a mailed consent link next to the one staff hold', () => {
  const links = { publicBaseUrl: settings.publicBaseUrl, ttlDays: 14 }
  const tokenOf = (text: string) => /\/consent\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? ''

  async function mailTo(customerId: string, email: string, at: ServiceContext = ctx): Promise<string> {
    const delivery = await requestConsentEmail(at, customerId, { recipients: [email] }, STAFF, true)
    smtp.mails.length = 0
    expect(await sendConsentEmail(at, mailer, settings, delivery.id, { attempt: 1, maxAttempts: 5 })).toBe(
      'sent',
    )
    const [mail] = await smtp.waitForMails(1)
    return tokenOf(mail?.parsed.text ?? '')
  }

  it('does not revoke the link staff issued; a fresh link from staff revokes both', async () => {
    const customer = await customerWithContacts('Wingtip')
    const copied = await issueConsentLink(ctx, links, customer.id, STAFF)
    const mailed = await mailTo(customer.id, 'ada@wingtip.example')
    expect(await inspectConsentLink(ctx, tokenOf(copied.url))).toMatchObject({ status: 'valid' })
    expect(await inspectConsentLink(ctx, mailed)).toMatchObject({ status: 'valid' })
    expect((await listConsentLinks(db.prisma, customer.id)).map((l) => [l.delivery, l.status])).toEqual([
      ['email', 'open'],
      ['staff', 'open'],
    ])

    const fresh = await issueConsentLink(ctx, links, customer.id, STAFF)
    expect(await inspectConsentLink(ctx, tokenOf(copied.url))).toEqual({ status: 'revoked' })
    expect(await inspectConsentLink(ctx, mailed)).toEqual({ status: 'revoked' })
    expect(await inspectConsentLink(ctx, tokenOf(fresh.url))).toMatchObject({ status: 'valid' })
    const issued = await db.prisma.auditEvent.findMany({
      where: { customerId: customer.id, action: 'consent_link.issued' },
      orderBy: { chainSeq: 'asc' },
    })
    expect(issued.map((e) => e.after)).toMatchObject([
      { delivery: 'staff', earlierLinks: 'replaced', revokedEarlier: 0 },
      { delivery: 'email', earlierLinks: 'kept', revokedEarlier: 0 },
      { delivery: 'staff', earlierLinks: 'replaced', revokedEarlier: 2 },
    ])
  })

  it('reminds nobody who consented through another link, or holds a link that outlives the mailed one', async () => {
    const reminders = (customerId: string) =>
      db.prisma.emailDelivery.count({ where: { customerId, kind: 'reminder' } })
    const now = new Date()
    const later = (days: number) => new Date(now.getTime() + days * 24 * 3600 * 1000)

    // The admin consented through the link staff copied into a ticket: the mailed one is not reminded.
    const consented = await customerWithContacts('Fourthcoffee')
    const copied = await issueConsentLink(ctx, links, consented.id, STAFF)
    await mailTo(consented.id, 'ada@fourthcoffee.example')
    await db.prisma.consentLink.update({ where: { id: copied.id }, data: { usedAt: new Date() } })

    // A second mail two days later outlives the first: the first is not reminded while that one is open.
    const waiting = await customerWithContacts('Woodgrove')
    await mailTo(waiting.id, 'ada@woodgrove.example')
    await mailTo(waiting.id, 'bo@woodgrove.example', { ...ctx, now: () => later(2) })

    await queueConsentReminders(db.prisma, later(12), 72)
    expect(await reminders(consented.id)).toBe(0)
    expect(await reminders(waiting.id)).toBe(0)

    // Once staff revoke the later link, the first one is the customer's last: it is reminded.
    const [newest] = await listConsentLinks(db.prisma, waiting.id)
    await db.prisma.consentLink.update({ where: { id: newest?.id ?? '' }, data: { revokedAt: new Date() } })
    await queueConsentReminders(db.prisma, later(12), 72)
    expect(await reminders(waiting.id)).toBe(1)
  })
})
