// Which status links work after onboarding. The admin who consented takes a link from the consent result
// page, and seconds later the mail after onboarding brings the contacts another: both open the page, since a
// delivery adds a link and never revokes one the customer holds. Only staff's explicit actions revoke: a
// fresh link replaces every earlier one, a revoke ends them all with their sessions; the audit log says which.
import { generateConsentToken, hashToken } from '@crosstrust/core'
import { describe, expect, it } from 'vitest'
import { browserHash } from '../../src/consent/browser-binding.ts'
import {
  findStatusSession,
  inspectStatusLink,
  issueStatusLink,
  revokeStatusLinks,
  runOnboarding,
  sendConsentEmail,
  statusLinkFromConsent,
  statusLinkSummary,
  type Actor,
} from '../../src/index.ts'
import { consentedByMail } from '../support/consent-mail.ts'
import { useMailRunner } from '../support/mail-runner.ts'

const STAFF: Actor = { type: 'staff', id: 'oid-1', name: 'Oskar Operator' }
const ADMIN: Actor = { type: 'customer_admin', name: 'customer administrator' }
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10'

const m = useMailRunner()

const tokenOf = (url: string) => /\/status\/([A-Za-z0-9_-]+)$/.exec(url)?.[1] ?? ''

interface Onboarded {
  customerId: string
  tenantId: string
  /** The token of the link the consent result page showed the admin. */
  fromResultPage: string
  /** The token of the link the mail after onboarding carried. */
  mailed: string
}

/** Onboarding through a mailed consent link; the result page hands the admin a link, then the mail goes out. */
async function onboardedWithBothLinks(): Promise<Onboarded> {
  const consented = await consentedByMail(m.fx, m.mailer, m.settings)
  const { customerId, tenantId } = consented
  const deps = { ...m.fx.onboarding, settings: { ...m.fx.onboarding.settings, statusLinkEmail: true } }
  await expect(runOnboarding(deps, customerId)).resolves.toBe('onboarded')

  const browser = generateConsentToken()
  const attempt = await m.fx.db.prisma.consentState.create({
    data: {
      consentLinkId: consented.consentLinkId,
      stateHash: hashToken(generateConsentToken()),
      browserHash: browserHash(browser),
      phase: 'consent',
      expiresAt: new Date(Date.now() + 600_000),
      usedAt: new Date(),
      signedInTenantId: tenantId,
      signedInUsername: `ada@${consented.domain}`,
    },
  })
  const shown = await statusLinkFromConsent(m.fx.ctx, m.settings, attempt.id, () => browser, ADMIN)
  if (shown.kind !== 'issued') throw new Error(`the result page gave no link: ${shown.kind}`)

  const mail = await m.fx.db.prisma.emailDelivery.findFirstOrThrow({
    where: { customerId, kind: 'status_link' },
  })
  m.smtp.mails.length = 0
  expect(
    await sendConsentEmail(m.fx.ctx, m.mailer, m.settings, mail.id, { attempt: 1, maxAttempts: 5 }),
  ).toBe('sent')
  const [sent] = await m.smtp.waitForMails(1)
  const mailed = /https:\/\/crosstrust\.example\/status\/([A-Za-z0-9_-]+)/.exec(sent?.parsed.text ?? '')?.[1]
  return { customerId, tenantId, fromResultPage: tokenOf(shown.url), mailed: mailed ?? '' }
}

/** A session signed in through the link with this token (as the sign-in leaves it); returns its secret. */
async function signedIn(token: string, tenantId: string): Promise<string> {
  const link = await m.fx.db.prisma.statusLink.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })
  const secret = generateConsentToken()
  await m.fx.db.prisma.statusSession.create({
    data: {
      statusLinkId: link.id,
      sessionHash: hashToken(secret),
      tenantId,
      oid: crypto.randomUUID(),
      username: 'ada@customer.example',
      directoryRoles: [GLOBAL_ADMIN],
      directoryRolesKnown: true,
      expiresAt: new Date(Date.now() + 600_000),
    },
  })
  return secret
}

const issuedEvents = (customerId: string) =>
  m.fx.db.prisma.auditEvent.findMany({
    where: { customerId, action: 'status_link.issued' },
    orderBy: { chainSeq: 'asc' },
    select: { actorType: true, after: true },
  })

describe('status links after onboarding', () => {
  it('the link from the result page and the mailed link both open the page', async () => {
    const { customerId, tenantId, fromResultPage, mailed } = await onboardedWithBothLinks()
    expect(fromResultPage).not.toBe(mailed)
    expect(await inspectStatusLink(m.fx.ctx, fromResultPage)).toMatchObject({ status: 'valid' })
    expect(await inspectStatusLink(m.fx.ctx, mailed)).toMatchObject({ status: 'valid' })
    for (const token of [fromResultPage, mailed])
      expect((await findStatusSession(m.fx.ctx, await signedIn(token, tenantId))).status).toBe('active')

    // Staff see two working links, how each was delivered and when; never a token.
    const summary = await statusLinkSummary(m.fx.ctx, customerId)
    expect(summary.working.map((l) => l.delivery)).toEqual(['email', 'result_page'])
    expect(summary.revokedCount).toBe(0)
    expect(JSON.stringify(summary)).not.toContain(mailed)
    expect(JSON.stringify(summary)).not.toContain(fromResultPage)

    expect(await issuedEvents(customerId)).toEqual([
      {
        actorType: 'customer_admin',
        after: { delivery: 'result_page', earlierLinks: 'kept', revokedEarlier: 0 },
      },
      { actorType: 'system', after: { delivery: 'email', earlierLinks: 'kept', revokedEarlier: 0 } },
    ])
  })

  it('a fresh link from staff replaces both, and the sessions through them end', async () => {
    const { customerId, tenantId, fromResultPage, mailed } = await onboardedWithBothLinks()
    const sessions = [await signedIn(fromResultPage, tenantId), await signedIn(mailed, tenantId)]

    const fresh = await issueStatusLink(m.fx.ctx, m.settings, customerId, STAFF)
    expect(fresh.revokedEarlier).toBe(2)
    expect(await inspectStatusLink(m.fx.ctx, fromResultPage)).toEqual({ status: 'revoked' })
    expect(await inspectStatusLink(m.fx.ctx, mailed)).toEqual({ status: 'revoked' })
    for (const secret of sessions)
      expect((await findStatusSession(m.fx.ctx, secret)).status).toBe('link_revoked')
    expect(await inspectStatusLink(m.fx.ctx, tokenOf(fresh.url))).toMatchObject({ status: 'valid' })

    expect(await statusLinkSummary(m.fx.ctx, customerId)).toMatchObject({
      working: [{ id: fresh.id, delivery: 'staff', createdBy: 'Oskar Operator' }],
      revokedCount: 2,
    })
    expect((await issuedEvents(customerId)).at(-1)).toEqual({
      actorType: 'staff',
      after: { delivery: 'staff', earlierLinks: 'replaced', revokedEarlier: 2 },
    })
  })

  it('a revoke from staff ends every link and the sessions opened through them', async () => {
    const { customerId, tenantId, fromResultPage, mailed } = await onboardedWithBothLinks()
    const sessions = [await signedIn(fromResultPage, tenantId), await signedIn(mailed, tenantId)]

    expect(await revokeStatusLinks(m.fx.ctx, customerId, STAFF)).toBe(2)
    expect(await inspectStatusLink(m.fx.ctx, fromResultPage)).toEqual({ status: 'revoked' })
    expect(await inspectStatusLink(m.fx.ctx, mailed)).toEqual({ status: 'revoked' })
    for (const secret of sessions) expect((await findStatusSession(m.fx.ctx, secret)).status).toBe('none')
    expect(await m.fx.db.prisma.statusSession.count({ where: { statusLink: { customerId } } })).toBe(0)
    expect(await statusLinkSummary(m.fx.ctx, customerId)).toEqual({ working: [], revokedCount: 2 })

    const revoked = await m.fx.db.prisma.auditEvent.findFirstOrThrow({
      where: { customerId, action: 'status_link.revoked' },
    })
    expect(revoked).toMatchObject({ actorType: 'staff', after: { revoked: 2, sessionsEnded: 2 } })
  })
})
