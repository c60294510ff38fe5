import {
  ConflictError,
  defaultPolicy,
  ValidationError,
  type PolicyDefinition,
  NotFoundError,
} from '@crosstrust/core'
import { createTestDatabase, type TestDatabase } from '@crosstrust/testkit'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  currentPolicy,
  currentPolicyVersion,
  listPolicyVersions,
  publishPolicyVersion,
  rolloutStatus,
  type ServiceContext,
} from '../../src/index.ts'

const STAFF = { type: 'staff' as const, id: 'oid-1', name: 'Policy Owner' }
let db: TestDatabase
let ctx: ServiceContext
const now = new Date('2026-12-01T12:00:00Z')

beforeAll(async () => {
  db = await createTestDatabase()
  ctx = { db: db.prisma, now: () => now, enqueue: () => Promise.resolve() }
})
afterAll(async () => {
  await db.drop()
})
beforeEach(async () => {
  await db.prisma.customer.updateMany({ data: { lastCheckRunId: null } })
  await db.prisma.checkRun.deleteMany()
  await db.prisma.policyRollout.deleteMany()
  await db.prisma.policyVersion.deleteMany()
})

/** Version 2 of the policy: also trust hybrid joined devices. */
function trustHybrid(version?: number): Record<string, unknown> {
  const fields = defaultPolicy.fields.map((field) =>
    field.path === 'inboundTrust.isHybridAzureADJoinedDeviceAccepted' ? { ...field, desired: true } : field,
  )
  return {
    ...(version === undefined ? {} : { version }),
    description: 'Also trust hybrid joined devices',
    fields,
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}

async function customers(
  count: number,
  data: { onboardingState?: 'onboarded' | 'link_issued'; nextCheckAt?: Date | null } = {},
) {
  const ids: string[] = []
  for (let i = 0; i < count; i += 1) {
    const customer = await db.prisma.customer.create({
      data: {
        name: `Customer ${i}`,
        onboardingState: data.onboardingState ?? 'onboarded',
        compliantPolicyVersion: 1,
        nextCheckAt:
          data.nextCheckAt === undefined ? new Date(now.getTime() + 6 * 3600_000) : data.nextCheckAt,
      },
    })
    ids.push(customer.id)
  }
  return ids
}

async function checked(
  customerId: string,
  policyVersion: number,
  outcome: 'compliant' | 'drifted' | 'access_lost' | 'unknown',
) {
  const run = await db.prisma.checkRun.create({
    data: { customerId, kind: 'check', trigger: 'schedule', outcome, policyVersion, finishedAt: now },
  })
  await db.prisma.customer.update({
    where: { id: customerId },
    data: {
      lastCheckRunId: run.id,
      ...(outcome === 'compliant' ? { compliantPolicyVersion: policyVersion } : {}),
    },
  })
}

describe('publishing a policy version', () => {
  it('rejects bad JSON, invalid definitions and a stale version with the issues named', async () => {
    const badJson = await rejection(publishPolicyVersion(ctx, '{"fields": [', null, STAFF))
    expect(badJson).toBeInstanceOf(ValidationError)
    expect((badJson as ValidationError).issues).toHaveLength(1)
    expect((badJson as ValidationError).detail).toBe('The policy definition is not valid JSON.')

    const invalid = await rejection(
      publishPolicyVersion(
        ctx,
        JSON.stringify({
          description: 'broken',
          fields: [
            {
              path: 'tenantId',
              label: 'Tenant',
              comparator: 'inherited',
              desired: null,
              remediation: 'repairable',
            },
            {
              path: 'inboundTrust.isMfaAccepted',
              label: 'MFA',
              comparator: 'exact_boolean',
              desired: 'yes',
              remediation: 'repairable',
            },
          ],
        }),
        null,
        STAFF,
      ),
    )
    expect(invalid).toBeInstanceOf(ValidationError)
    const paths = (invalid as ValidationError).issues.map((issue) => issue.path)
    expect(paths).toContain('fields.0.path')
    expect(paths).toContain('fields.1.desired')

    const stale = await rejection(publishPolicyVersion(ctx, trustHybrid(7), null, STAFF))
    expect((stale as ValidationError).issues).toEqual([
      { path: 'version', message: 'must be 2 (the next version) or omitted' },
    ])

    const unchanged = await rejection(
      publishPolicyVersion(ctx, { ...defaultPolicy, version: 2 }, null, STAFF),
    )
    expect(unchanged).toBeInstanceOf(ConflictError)
    expect((unchanged as ConflictError).code).toBe('policy_unchanged')

    expect(await db.prisma.policyVersion.count()).toBe(0)
    expect(await db.prisma.policyRollout.count()).toBe(0)
  })

  it('stores version latest+1, starts a rollout and spreads every onboarded customer over the window', async () => {
    await db.prisma.customer.deleteMany()
    const onboarded = await customers(40)
    const [notYet] = await customers(1, { onboardingState: 'link_issued', nextCheckAt: null })
    const soonAt = new Date(now.getTime() + 5_000)
    const [alreadySoon] = await customers(1, { nextCheckAt: soonAt })

    const published = await publishPolicyVersion(
      ctx,
      JSON.stringify(trustHybrid()),
      '  Hybrid join is now trusted.  ',
      STAFF,
      {
        windowSeconds: 600,
        batchSize: 7,
      },
    )
    expect(published.version).toBe(2)
    expect(published.definition.version).toBe(2)
    expect(published.scheduled).toBeGreaterThanOrEqual(40)
    expect((await currentPolicy(db.prisma)).version).toBe(2)

    const versions = await listPolicyVersions(ctx)
    expect(versions.map((v) => [v.version, v.publishedBy])).toEqual([
      [2, 'oid-1'],
      [1, 'system'],
    ])
    expect(versions[0]?.notes).toBe('Hybrid join is now trusted.')

    const rollout = await db.prisma.policyRollout.findUniqueOrThrow({ where: { id: published.rolloutId } })
    expect(rollout).toMatchObject({ version: 2, status: 'running', total: 41, startedBy: 'oid-1' })

    const rows = await db.prisma.customer.findMany({ where: { id: { in: onboarded } } })
    const offsets = rows.map((row) => (row.nextCheckAt?.getTime() ?? 0) - now.getTime())
    expect(offsets.every((ms) => ms >= 0 && ms < 600_000)).toBe(true)
    // Spread, not a burst: the 40 due times cover most of the window.
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeGreaterThan(300_000)
    expect(new Set(offsets).size).toBeGreaterThan(35)
    const untouched = await db.prisma.customer.findUniqueOrThrow({ where: { id: notYet ?? '' } })
    expect(untouched.nextCheckAt).toBeNull()
    const soon = await db.prisma.customer.findUniqueOrThrow({ where: { id: alreadySoon ?? '' } })
    expect(soon.nextCheckAt).toEqual(soonAt)

    const audit = await db.prisma.auditEvent.findMany({
      where: { action: { startsWith: 'policy.' } },
      orderBy: { id: 'asc' },
    })
    expect(audit.map((a) => a.action)).toEqual(['policy.published', 'policy.rollout_started'])
    expect(audit[0]).toMatchObject({ actorId: 'oid-1', entityType: 'policy_version', entityId: '2' })
  })

  it('reports rollout progress from the customers and completes when all were checked', async () => {
    await db.prisma.customer.deleteMany()
    const [a = '', b = '', c = '', d = '', e = ''] = await customers(5)
    const { rolloutId } = await publishPolicyVersion(ctx, trustHybrid(), null, STAFF)

    let progress = await rolloutStatus(ctx, rolloutId)
    expect(progress).toMatchObject({
      status: 'running',
      total: 5,
      done: 0,
      failed: 0,
      pending: 5,
      percent: 0,
    })

    await checked(a, 2, 'compliant') // remediate mode: repaired and verified against v2
    await checked(b, 2, 'drifted') // alert/report mode: drift against v2 reported
    await checked(c, 2, 'access_lost') // could not be checked: consent gone
    await checked(d, 2, 'unknown') // transient failure: still pending, it will be retried
    await checked(e, 1, 'compliant') // a check that started before the publish does not count
    progress = await rolloutStatus(ctx, rolloutId)
    expect(progress).toMatchObject({
      status: 'running',
      total: 5,
      done: 2,
      compliant: 1,
      drifted: 1,
      failed: 1,
      pending: 2,
      percent: 60,
    })
    expect(await db.prisma.policyRollout.findUniqueOrThrow({ where: { id: rolloutId } })).toMatchObject({
      total: 5,
      done: 2,
      failed: 1,
      status: 'running',
    })

    await checked(d, 2, 'compliant')
    await checked(e, 2, 'drifted')
    progress = await rolloutStatus(ctx, rolloutId)
    expect(progress).toMatchObject({ status: 'completed', done: 4, failed: 1, pending: 0, percent: 100 })
    expect(progress.finishedAt).toEqual(now)
    await rolloutStatus(ctx, rolloutId)
    expect(
      await db.prisma.auditEvent.count({
        where: { action: 'policy.rollout_completed', entityId: rolloutId },
      }),
    ).toBe(1)

    const info = await currentPolicyVersion(ctx)
    expect(info).toMatchObject({ version: 2, compliantCustomers: 2, otherCustomers: 3, publishedBy: 'oid-1' })
    expect(info.rollout?.id).toBe(rolloutId)
  })

  it('supersedes a running rollout, and lets only one of two concurrent publishes win', async () => {
    await db.prisma.customer.deleteMany()
    await customers(3)
    const first = await publishPolicyVersion(ctx, trustHybrid(), null, STAFF)
    const v3 = { ...trustHybrid(), description: 'Stop trusting compliant devices' } as PolicyDefinition
    v3.fields = v3.fields.map((f) =>
      f.path === 'inboundTrust.isCompliantDeviceAccepted' ? { ...f, desired: false } : f,
    ) as PolicyDefinition['fields']
    const results = await Promise.allSettled([
      publishPolicyVersion(ctx, v3, null, STAFF),
      publishPolicyVersion(ctx, { ...v3, description: 'the same, twice' }, null, STAFF),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError)
    expect(await db.prisma.policyVersion.count({ where: { version: 3 } })).toBe(1)
    const old = await db.prisma.policyRollout.findUniqueOrThrow({ where: { id: first.rolloutId } })
    expect(old.status).toBe('cancelled')
    expect(await db.prisma.policyRollout.count({ where: { status: 'running' } })).toBe(1)
  })

  it('knows no rollout it did not start', async () => {
    await expect(rolloutStatus(ctx, crypto.randomUUID())).rejects.toMatchObject({ code: 'rollout_not_found' })
    await expect(rolloutStatus(ctx, 'nope')).rejects.toBeInstanceOf(NotFoundError)
    expect((await currentPolicyVersion(ctx)).rollout).toBeNull()
  })
})
