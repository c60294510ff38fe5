// Chaos suite: tenants onboarding and being re-checked while the simulator injects 429
// storms with Retry-After, 503/504, connection resets, latency and consent replication delay; two worker
// PROCESSES (production entry point) are SIGKILLed twice and restarted; Redis is flushed once (FLUSHDB on
// the suite's own DB index, never the default DB other test runs use); PostgreSQL is restarted once
// (`pg_ctlcluster`, the last disruption). Then faults stop and the system must converge by itself (the
// sweep rebuilds lost work from Postgres). End state, from Postgres and the simulator: every tenant correct,
// no lost or duplicate customers, no tenant with two jobs at once, Retry-After never violated, audit
// complete. Each phase is its own test and asserts what it is about.
//
//   pnpm test:chaos                                     CI size (CHAOS_TENANTS=200)
//   CHAOS_TENANTS=500 pnpm test:chaos                   full size
//   CHAOS_PG_RESTART=0 pnpm test:chaos                  skip the PostgreSQL restart (shared machines)
//   CHAOS_REDIS_DB=13                                   Redis DB index the suite owns and flushes
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultPolicy, evaluatePartner } from '@crosstrust/core'
import { createRedis } from '@crosstrust/jobs'
import { startSystem, type System } from '../support/system.ts'
import {
  compliantHash,
  createSimTenants,
  insertConsentReceivedCustomers,
  insertOnboardedCustomers,
  PARTNER,
  tenantIdFor,
} from '../bench/support/seed.ts'
import { addGraphAndLoginFaults, progressGate, tenantsWrittenTo } from './disruptions.ts'
import { ChaosDb } from './readings.ts'
import { eventually, overlappingRequests, restartPostgres, WorkerProcess } from './support.ts'

const TENANTS = Number(process.env.CHAOS_TENANTS ?? 200)
const ONBOARDING = Math.floor(TENANTS / 2)
const RECHECK = TENANTS - ONBOARDING
const REDIS_DB = Number(process.env.CHAOS_REDIS_DB ?? 13)
const PG_RESTART = process.env.CHAOS_PG_RESTART !== '0'
// Few job slots and slow Graph, so work is in flight when the disruptions hit.
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 4)

let sys: System
let db: ChaosDb
const workers: WorkerProcess[] = []
const t0 = Date.now()
const say = (line: string) => {
  process.stdout.write(`[chaos +${String(Math.round((Date.now() - t0) / 1000))}s] ${line}\n`)
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  sys = await startSystem({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:6379/${String(REDIS_DB)}` } })
  db = new ChaosDb(sys.db.url)
})

afterAll(async () => {
  for (const w of workers) await w.kill()
  await db.close()
  await sys.stop()
})

// The phases share the state below and run in order (vitest runs a file's tests sequentially).
const state = () => sys.sim.state
const onboardIds = Array.from({ length: ONBOARDING }, (_, i) => tenantIdFor('d', i))
const recheckIds = Array.from({ length: RECHECK }, (_, i) => tenantIdFor('e', i))
const allTenants = new Set([...onboardIds, ...recheckIds])
// Half the re-check tenants drifted (their admin turned MFA trust off): remediate mode repairs them.
const drifted = new Set(recheckIds.filter((_, i) => i % 2 === 0))
let firstSeq = 0
let faultIds: string[] = []
let latencyId = ''
let pgRestartMs: number | null = null

/** Work finished / all work: onboarded customers plus re-check customers with a real (not skipped) check. */
const progress = async () => (await db.workDone()) / TENANTS

const { atProgress, seen: progressSeen } = progressGate(progress, say, workers)

describe(`chaos: ${String(TENANTS)} tenants`, () => {
  it('phase 1 — seeds half the tenants waiting for onboarding, half onboarded (half of those drifted)', async () => {
    // Consent replication: fresh consents first fail at the token endpoint, then give tokens without roles.
    state().settings = { ...state().settings, consentMissingSeconds: 4, consentNoRolesSeconds: 3 }
    createSimTenants(state(), onboardIds, { partner: false, label: 'chaosonb', consentAgeSeconds: 0 })
    createSimTenants(state(), recheckIds, { partner: true, label: 'chaoschk' })
    const hash = compliantHash(state(), recheckIds[0] ?? '')
    for (const id of drifted) {
      const tenant = state().requireTenant(id)
      const partner = structuredClone(state().readPartner(tenant, PARTNER) ?? {})
      ;(partner.inboundTrust as Record<string, unknown>).isMfaAccepted = false
      state().writePartner(tenant, PARTNER, partner, 0)
    }
    await insertConsentReceivedCustomers(await db.connection(), onboardIds, {
      label: 'chaos-onboard-',
      consentAt: new Date(Date.now() - 1_000),
    })
    await insertOnboardedCustomers(await db.connection(), recheckIds, {
      label: 'chaos-recheck-',
      observedHash: hash,
      dueAt: new Date(Date.now() - 60_000),
      mode: 'remediate',
    })
    const onboardCustomers = await db.query<{ id: string; finished_at: Date }>(
      `SELECT c.id::text AS id, s.finished_at FROM customers c
       JOIN onboarding_steps s ON s.customer_id = c.id AND s.step = 'consent_received'
       WHERE c.name LIKE 'chaos-onboard-%'`,
    )
    // The consent callbacks' jobs (same deterministic ids as the callback and the sweep use).
    for (const c of onboardCustomers) {
      await sys.queues.enqueue('onboard', {
        customerId: c.id,
        consentReceivedAt: c.finished_at.toISOString(),
      })
    }
    firstSeq = state().requests.lastSeq

    expect(onboardCustomers).toHaveLength(ONBOARDING)
    const [counts] = await db.query<{ recheck: number }>(
      `SELECT count(*)::int AS recheck FROM customers WHERE name LIKE 'chaos-recheck-%' AND onboarding_state = 'onboarded'`,
    )
    expect(counts?.recheck).toBe(RECHECK)
    const driftedInSim = recheckIds.filter(
      (t) =>
        evaluatePartner(
          defaultPolicy,
          state().readPartner(state().requireTenant(t), PARTNER) ?? null,
          [],
          new Date(),
        ).status !== 'compliant',
    )
    expect(driftedInSim.sort()).toEqual([...drifted].sort())
  })

  it('phase 2 — workers keep going through Graph and login faults, a 429 storm and a SIGKILL of each worker', async () => {
    faultIds = addGraphAndLoginFaults(state())
    latencyId = faultIds[0] ?? ''

    const a = new WorkerProcess('worker-a', sys, CONCURRENCY)
    const b = new WorkerProcess('worker-b', sys, CONCURRENCY)
    workers.push(a, b)
    a.start()
    b.start()
    say(
      `${String(ONBOARDING)} onboarding + ${String(RECHECK)} re-check tenants (${String(drifted.size)} drifted); 2 workers started`,
    )

    let pct = await atProgress(0.05)
    const storm = state().faults.add({
      kind: 'throttle',
      origin: 'graph',
      probability: 0.5,
      retryAfterSeconds: 2,
    })
    say(`at ${String(pct)} %: 429 storm (50 % of Graph requests, Retry-After 2 s)`)
    await a.kill()
    say('SIGKILL worker-a (1/2)')
    await sleep(2_000)
    a.start()
    say('worker-a restarted')
    await sleep(4_000)
    state().faults.remove(storm.id)
    say('storm over')
    pct = await atProgress(0.25)
    await b.kill()
    say(`at ${String(pct)} %: SIGKILL worker-b (2/2)`)
    await sleep(2_000)
    b.start()
    say('worker-b restarted')

    expect(workers.map((w) => w.starts)).toEqual([2, 2])
    // The faults really happened, and work was done while they did.
    const faulted = state()
      .requests.list({ sinceSeq: firstSeq })
      .filter((e) => e.tenant && allTenants.has(e.tenant) && e.fault && e.fault !== 'latency')
    // Fault labels: throttle, error503/error504, reset (and the consent replication ones).
    const kinds = new Set(faulted.map((e) => (e.fault ?? '').replace(/\d+$/, '')))
    expect([...kinds]).toEqual(expect.arrayContaining(['throttle', 'error', 'reset']))
    expect(progressSeen.at(-1)).toBeGreaterThanOrEqual(5)
  })

  it('phase 3 — work goes on after a Redis FLUSHDB and a PostgreSQL restart', async () => {
    const beforeFlush = await atProgress(0.4)
    const redis = createRedis(sys.config.REDIS_URL)
    await redis.flushdb()
    const keysAfterFlush = await redis.dbsize()
    redis.disconnect()
    say(
      `at ${String(beforeFlush)} %: Redis FLUSHDB on DB ${String(REDIS_DB)} (queues, jobs, the sweep's scheduler and the tenant locks are gone)`,
    )
    // The flush emptied the suite's own Redis database (a worker may already have written a key since).
    expect(keysAfterFlush).toBeLessThan(20)
    const beforeRestart = await atProgress(0.55, 45_000)
    if (PG_RESTART) {
      pgRestartMs = await restartPostgres(sys.db.url)
      say(
        `at ${String(beforeRestart)} %: PostgreSQL restarted (${String(pgRestartMs)} ms until it accepted connections again)`,
      )
      expect(pgRestartMs).toBeGreaterThan(0)
    } else {
      say('PostgreSQL restart skipped (CHAOS_PG_RESTART=0)')
    }
    // Progress after both disruptions: the sweep rebuilt the lost work from Postgres.
    const after = await eventually(
      'progress after the disruptions',
      async () => (await progress().catch(() => 0)) * 100 > beforeRestart,
      120_000,
    ).then(
      () => true,
      () => false,
    )
    expect(after).toBe(true)
  })

  it('phase 4 — once the faults stop, every customer converges: onboarded, re-checked and compliant', async () => {
    for (const id of faultIds) if (id !== latencyId) state().faults.remove(id)
    say('faults off (latency stays); waiting for convergence')
    const since = new Date(t0)
    let last = { onboarded: 0, failed: 0, checked: 0, compliant: 0 }
    await eventually(
      'convergence',
      async () => {
        const row = await db.convergence(since)
        if (!row) return false
        last = row
        say(
          `onboarded ${String(row.onboarded)}/${String(ONBOARDING)} (failed ${String(row.failed)}), re-checked ${String(row.checked)}/${String(RECHECK)}, compliant ${String(row.compliant)}/${String(RECHECK)}`,
        )
        return row.onboarded + row.failed >= ONBOARDING && row.checked >= RECHECK && row.compliant >= RECHECK
      },
      Number(process.env.CHAOS_CONVERGE_SECONDS ?? 300) * 1000,
    ).catch((err: unknown) => {
      say(`not converged: ${String(err)}`)
    })
    for (const w of workers) await w.kill('SIGTERM')
    state().faults.remove(latencyId)
    expect(last).toEqual({ onboarded: ONBOARDING, failed: 0, checked: RECHECK, compliant: RECHECK })
  })

  it('phase 5 — end state: one customer per tenant, each correct in Postgres and in the tenant itself', async () => {
    const { customers, outcomes, stuckSteps } = await db.customerEndState()
    const byTenant = new Map<string, number>()
    for (const c of customers)
      if (c.tenant_id) byTenant.set(c.tenant_id, (byTenant.get(c.tenant_id) ?? 0) + 1)
    const wrongInDb = customers
      .filter((c) => c.onboarding_state !== 'onboarded' || c.compliance_state !== 'compliant')
      .map((c) => `${c.name}: ${c.onboarding_state}/${c.compliance_state}`)
    const wrongInSim = [...allTenants].filter((t) => {
      const entry = state().readPartner(state().requireTenant(t), PARTNER) ?? null
      return evaluatePartner(defaultPolicy, entry, [], new Date()).status !== 'compliant'
    })
    say(`runs ${JSON.stringify(outcomes)}`)
    if (wrongInDb.length) {
      say(`wrong in Postgres (first 5): ${JSON.stringify(wrongInDb.slice(0, 5))}`)
      say(`their onboarding steps: ${JSON.stringify(stuckSteps)}`)
    }

    expect(customers).toHaveLength(TENANTS)
    expect([...allTenants].filter((t) => !byTenant.has(t))).toEqual([])
    expect([...byTenant].filter(([, n]) => n > 1).map(([t]) => t)).toEqual([])
    expect(wrongInDb).toEqual([])
    expect(wrongInSim).toEqual([])
  })

  it('phase 6 — no tenant ever had two jobs at once, and no Retry-After was cut short', () => {
    const log = state()
      .requests.list({ sinceSeq: firstSeq })
      .filter((e) => e.tenant && allTenants.has(e.tenant))
    const overlaps = overlappingRequests(log, allTenants, 10)
    const early = log.filter((e) => e.early)
    say(
      `${String(log.length)} requests to the chaos tenants, ${String(overlaps.length)} overlaps, ${String(early.length)} early`,
    )
    expect(overlaps).toEqual([])
    expect(early.map((e) => `${e.origin} ${e.method} ${e.path} #${String(e.seq)}`)).toEqual([])
  })

  it('phase 7 — the audit log has every onboarding step and every remediation', async () => {
    const auditGaps = await db.onboardingAuditGaps([
      'onboarding.access_verified',
      'onboarding.policy_applied',
      'onboarding.completed',
    ])
    const { remediated, unaudited } = await db.remediationAudit()
    // Write-ahead: every tenant that received a repair write from us (whether or not its run committed
    // before a SIGKILL) has a policy.repair_started audit event written before that write.
    const repairedTenants = tenantsWrittenTo(state().requests.list({ sinceSeq: firstSeq }), recheckIds)
    const intended = await db.tenantsWithRepairIntent()
    say(
      `${String(repairedTenants.size)} tenants received repair writes, ${String(intended.size)} have a repair intent`,
    )
    const workerErrors = workers.flatMap((w) => w.lines.filter((l) => /"level":(50|60)/.test(l)))
    if (workerErrors.length) say(`worker errors (first 5):\n${workerErrors.slice(0, 5).join('\n')}`)

    expect(auditGaps).toEqual([])
    // Every recorded repair is audited. (A worker SIGKILLed between its PATCH and the run's commit leaves a
    // repaired tenant without a remediation run: the next check finds it compliant; its write-ahead intent
    // is the record that we wrote to it.)
    expect(remediated).toBeGreaterThan(0)
    expect(unaudited).toEqual([])
    expect(repairedTenants.size).toBeGreaterThan(0)
    expect([...repairedTenants].filter((t) => !intended.has(t))).toEqual([])
  })
})
