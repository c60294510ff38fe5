// Status page services at their edges: a link is issued only for a customer someone can sign in to, a session
// counts only for the tenant the customer has now, and two concurrent "Get your status page link" clicks on
// the consent result page give one link and one "already issued", never a database error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { hashToken } from '@crosstrust/core'
import {
  findStatusSession,
  issueStatusLink,
  removeByCustomer,
  statusCsrfToken,
  statusLinkFromConsent,
  type Actor,
  type ServiceContext,
} from '../../src/index.ts'
import { browserHash } from '../../src/consent/browser-binding.ts'

let db: TestDatabase
let ctx: ServiceContext
beforeAll(async () => {
  db = await createTestDatabase()
  ctx = { db: db.prisma, now: () => new Date(), enqueue: () => Promise.resolve() }
})
afterAll(async () => {
  await db.drop()
})

const STAFF: Actor = { type: 'staff', name: 'Oskar' }
const ADMIN: Actor = { type: 'customer_admin', name: 'customer administrator' }
const settings = { publicBaseUrl: 'https://crosstrust.example' }
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10'

async function customer(data: { tenantId: string | null; onboardingState?: 'onboarded' | 'offboarded' }) {
  return db.prisma.customer.create({
    data: { name: 'Litware', tenantId: data.tenantId, onboardingState: data.onboardingState ?? 'onboarded' },
  })
}

describe('issuing a status link', () => {
  it('is refused for a customer without a tenant, or offboarded', async () => {
    const noTenant = await customer({ tenantId: null, onboardingState: 'onboarded' })
    await expect(issueStatusLink(ctx, settings, noTenant.id, STAFF)).rejects.toMatchObject({
      code: 'no_tenant_yet',
    })
    const gone = await customer({ tenantId: crypto.randomUUID(), onboardingState: 'offboarded' })
    await expect(issueStatusLink(ctx, settings, gone.id, STAFF)).rejects.toMatchObject({
      code: 'customer_offboarded',
    })
    expect(await db.prisma.statusLink.count({ where: { customerId: { in: [noTenant.id, gone.id] } } })).toBe(
      0,
    )
    const ok = await customer({ tenantId: crypto.randomUUID() })
    expect((await issueStatusLink(ctx, settings, ok.id, STAFF)).url).toMatch(/\/status\//)
  })
})

describe('a session after the customer was re-bound to another tenant', () => {
  it('shows nothing and removes nothing', async () => {
    const oldTenant = crypto.randomUUID()
    const c = await customer({ tenantId: oldTenant })
    const link = await db.prisma.statusLink.create({
      data: {
        customerId: c.id,
        tokenHash: hashToken(crypto.randomUUID()),
        createdBy: 'Oskar',
        delivery: 'staff',
      },
    })
    const secret = 'S'.repeat(43)
    await db.prisma.statusSession.create({
      data: {
        statusLinkId: link.id,
        sessionHash: hashToken(secret),
        tenantId: oldTenant,
        oid: crypto.randomUUID(),
        username: 'admin@old.example',
        directoryRoles: [GLOBAL_ADMIN],
        directoryRolesKnown: true,
        expiresAt: new Date(Date.now() + 600_000),
      },
    })
    expect((await findStatusSession(ctx, secret)).status).toBe('active')
    await db.prisma.customer.update({ where: { id: c.id }, data: { tenantId: crypto.randomUUID() } })
    expect((await findStatusSession(ctx, secret)).status).toBe('none')
    const removed = await removeByCustomer(
      ctx,
      { sessionSecret: secret, formToken: statusCsrfToken(secret), confirmed: true },
      ADMIN,
    )
    expect(removed).toEqual({ kind: 'no_session' })
    expect((await db.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })).onboardingState).toBe(
      'onboarded',
    )
  })
})

describe('the status link from the consent result page', () => {
  it('two concurrent asks give one link and one "already issued"', async () => {
    const tenantId = crypto.randomUUID()
    const c = await customer({ tenantId })
    const consentLink = await db.prisma.consentLink.create({
      data: {
        customerId: c.id,
        tokenHash: crypto.randomUUID(),
        expiresAt: new Date(Date.now() + 86_400_000),
        delivery: 'staff',
      },
    })
    const browser = 'B'.repeat(43)
    const attempt = await db.prisma.consentState.create({
      data: {
        consentLinkId: consentLink.id,
        stateHash: crypto.randomUUID(),
        browserHash: browserHash(browser),
        phase: 'consent',
        expiresAt: new Date(Date.now() + 600_000),
        usedAt: new Date(),
        signedInTenantId: tenantId,
        signedInUsername: 'admin@litware.example',
      },
    })
    const ask = () => statusLinkFromConsent(ctx, settings, attempt.id, () => browser, ADMIN)
    const answers = await Promise.all([ask(), ask(), ask()])
    expect(answers.map((a) => a.kind).sort()).toEqual(['already_issued', 'already_issued', 'issued'])
    expect(await db.prisma.statusLink.count({ where: { customerId: c.id, revokedAt: null } })).toBe(1)
  })
})
