// Consent links nobody used are deleted once they expired or were revoked longer ago than the retention
// period; used links, open links and recent ones stay; each deletion is audited per customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { cleanUpConsentLinks } from '../../src/index.ts'

const DAY = 24 * 3600 * 1000
const now = new Date('2026-12-03T12:00:00Z')
const ago = (days: number) => new Date(now.getTime() - days * DAY)

let db: TestDatabase

beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

async function link(customerId: string, name: string, fields: Record<string, Date | null>) {
  return db.prisma.consentLink.create({
    data: {
      customerId,
      tokenHash: `hash-${name}`,
      createdAt: ago(60),
      expiresAt: ago(46),
      delivery: 'staff',
      ...fields,
    },
  })
}

describe('cleanUpConsentLinks', () => {
  it('deletes unused links expired or revoked past the retention period, audited per customer', async () => {
    const a = await db.prisma.customer.create({ data: { name: 'Alpha' } })
    const b = await db.prisma.customer.create({ data: { name: 'Beta' } })
    const oldExpired = await link(a.id, 'old-expired', {})
    const oldRevoked = await link(a.id, 'old-revoked', { expiresAt: ago(-5), revokedAt: ago(40) })
    const used = await link(a.id, 'used', { usedAt: ago(50) })
    const recentExpired = await link(b.id, 'recent-expired', { expiresAt: ago(3) })
    const open = await link(b.id, 'open', { expiresAt: ago(-10) })
    const otherOld = await link(b.id, 'other-old', { expiresAt: ago(31) })
    await db.prisma.consentState.create({
      data: { stateHash: 'state-1', consentLinkId: oldExpired.id, expiresAt: ago(46), browserHash: 'b' },
    })

    expect(await cleanUpConsentLinks(db.prisma, now, 30)).toEqual({ deleted: 3, customers: 2 })
    const left = await db.prisma.consentLink.findMany({ select: { id: true } })
    expect(left.map((l) => l.id).sort()).toEqual([used.id, recentExpired.id, open.id].sort())
    expect(await db.prisma.consentState.count()).toBe(0)

    const audit = await db.prisma.auditEvent.findMany({
      where: { action: 'consent_link.cleaned_up' },
      orderBy: { customerId: 'asc' },
    })
    expect(audit).toHaveLength(2)
    expect(audit.every((e) => e.actorType === 'system')).toBe(true)
    const linksOf = (customerId: string) =>
      (audit.find((e) => e.customerId === customerId)?.before as { links: { id: string }[] }).links
        .map((l) => l.id)
        .sort()
    expect(linksOf(a.id)).toEqual([oldExpired.id, oldRevoked.id].sort())
    expect(linksOf(b.id)).toEqual([otherOld.id])

    // Nothing left to do: a second run deletes and audits nothing.
    expect(await cleanUpConsentLinks(db.prisma, now, 30)).toEqual({ deleted: 0, customers: 0 })
    expect(await db.prisma.auditEvent.count({ where: { action: 'consent_link.cleaned_up' } })).toBe(2)
  })
})
