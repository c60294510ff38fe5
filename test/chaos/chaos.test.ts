// Chaos suite: tenants onboarding and being re-checked while the simulator injects 429
// storms with Retry-After, 503/504, connection resets, latency and consent replication delay; two worker
// PROCESSES (production entry point) are SIGKILLed twice and restarted; Redis is flushed once (FLUSHDB on
// the suite's own DB index, never the default DB other test runs use); PostgreSQL is restarted once
// (`pg_ctlcluster`, the last disruption). Then faults stop and the system must converge by itself (the
// sweep rebuilds lost work from Postgres). End state, from Postgres and the simulator: every tenant correct,
// no lost or duplicate customers, no tenant with two jobs at once, Retry-After never violated, audit
// complete. Prints the tally.
//
//   pnpm test:chaos                                     CI size (CHAOS_TENANTS=200)
//   CHAOS_TENANTS=500 pnpm test:chaos                   full size
//   CHAOS_PG_RESTART=0 pnpm test:chaos                  skip the PostgreSQL restart (shared machines)
//   CHAOS_REDIS_DB=13                                   Redis DB index the suite owns and flushes
import pg from 'pg'
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
import { eventually, overlappingRequests, restartPostgres, WorkerProcess } from './support.ts'

const TENANTS = Number(process.env.CHAOS_TENANTS ?? 200)
const ONBOARDING = Math.floor(TENANTS / 2)
const RECHECK = TENANTS - ONBOARDING
const REDIS_DB = Number(process.env.CHAOS_REDIS_DB ?? 13)
const PG_RESTART = process.env.CHAOS_PG_RESTART !== '0'
// Few job slots and slow Graph, so work is in flight when the disruptions hit.
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 4)

let sys: System
let client: pg.Client
const workers: WorkerProcess[] = []
const t0 = Date.now()
const say = (line: string) => {
  process.stdout.write(`[chaos +${String(Math.round((Date.now() - t0) / 1000))}s] ${line}\n`)
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  sys = await startSystem({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:6379/${String(REDIS_DB)}` } })
  client = new pg.Client({ connectionString: sys.db.url })
  client.on('error', () => undefined) // the PostgreSQL restart ends this connection; we reconnect
  await client.connect()
})

afterAll(async () => {
  for (const w of workers) await w.kill()
  await client.end().catch(() => undefined)
  await sys.stop()
})

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  try {
    return (await client.query<T>(text, values)).rows
  } catch (err) {
    // After the PostgreSQL restart: a fresh connection.
    client = new pg.Client({ connectionString: sys.db.url })
    client.on('error', () => undefined)
    await client.connect()
    throw err
  }
}

describe(`chaos: ${String(TENANTS)} tenants`, () => {
  it('converges to the correct state through faults, crashes, a Redis flush and a PostgreSQL restart', async () => {
    const state = sys.sim.state
    const onboardIds = Array.from({ length: ONBOARDING }, (_, i) => tenantIdFor('d', i))
    const recheckIds = Array.from({ length: RECHECK }, (_, i) => tenantIdFor('e', i))
    const allTenants = new Set([...onboardIds, ...recheckIds])

    // Consent replication: fresh consents first fail at the token endpoint, then give tokens without roles.
    state.settings = { ...state.settings, consentMissingSeconds: 4, consentNoRolesSeconds: 3 }
    createSimTenants(state, onboardIds, { partner: false, label: 'chaosonb', consentAgeSeconds: 0 })
    createSimTenants(state, recheckIds, { partner: true, label: 'chaoschk' })
    const hash = compliantHash(state, recheckIds[0] ?? '')
    // Half the re-check tenants drifted (their admin turned MFA trust off): remediate mode repairs them.
    const drifted = new Set(recheckIds.filter((_, i) => i % 2 === 0))
    for (const id of drifted) {
      const tenant = state.requireTenant(id)
      const partner = structuredClone(state.readPartner(tenant, PARTNER) ?? {})
      ;(partner.inboundTrust as Record<string, unknown>).isMfaAccepted = false
      state.writePartner(tenant, PARTNER, partner, 0)
    }
    await insertConsentReceivedCustomers(client, onboardIds, {
      label: 'chaos-onboard-',
      consentAt: new Date(Date.now() - 1_000),
    })
    await insertOnboardedCustomers(client, recheckIds, {
      label: 'chaos-recheck-',
      observedHash: hash,
      dueAt: new Date(Date.now() - 60_000),
      mode: 'remediate',
    })
    const onboardCustomers = await query<{ id: string; finished_at: Date }>(
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
    const firstSeq = state.requests.lastSeq

    // Faults for the disruption phase (Graph and login).
    const faultIds = [
      state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: 100, latencyMaxMs: 250 }),
      state.faults.add({ kind: 'throttle', origin: 'graph', probability: 0.06, retryAfterSeconds: 1 }),
      state.faults.add({ kind: 'throttle', origin: 'login', probability: 0.03, retryAfterSeconds: 1 }),
      state.faults.add({
        kind: 'error',
        origin: 'graph',
        status: 503,
        probability: 0.04,
        retryAfterSeconds: 1,
      }),
      state.faults.add({ kind: 'error', origin: 'graph', status: 504, probability: 0.03 }),
      state.faults.add({ kind: 'error', origin: 'login', status: 503, probability: 0.02 }),
      state.faults.add({ kind: 'reset', origin: 'graph', probability: 0.03 }),
      state.faults.add({ kind: 'reset', origin: 'login', probability: 0.02 }),
    ].map((r) => r.id)
    const latencyId = faultIds[0] ?? ''

    const a = new WorkerProcess('worker-a', sys, CONCURRENCY)
    const b = new WorkerProcess('worker-b', sys, CONCURRENCY)
    workers.push(a, b)
    a.start()
    b.start()
    say(
      `${String(ONBOARDING)} onboarding + ${String(RECHECK)} re-check tenants (${String(drifted.size)} drifted); 2 workers started`,
    )

    // Disruptions are triggered by progress (work finished / all work), so they always hit work in flight
    // however fast or loaded the machine is; each waits at most `waitMs` for its threshold.
    const progress = async (): Promise<number> => {
      const [row] = await query<{ done: number }>(
        `SELECT (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-onboard-%' AND onboarding_state = 'onboarded')
              + (SELECT count(DISTINCT r.customer_id)::int FROM check_runs r JOIN customers c ON c.id = r.customer_id
                 WHERE c.name LIKE 'chaos-recheck-%' AND r.kind = 'check' AND r.outcome <> 'skipped') AS done`,
      )
      return (row?.done ?? 0) / TENANTS
    }
    const atProgress = async (fraction: number, waitMs = 120_000) => {
      await eventually(
        `${String(fraction * 100)} % progress`,
        async () => (await progress()) >= fraction,
        waitMs,
      ).catch(() => {
        say(`no ${String(fraction * 100)} % progress within ${String(waitMs)} ms; worker output:`)
        for (const w of workers) say(`${w.name}: ${w.lines.slice(-5).join('\n')}`)
      })
      return Math.round((await progress().catch(() => 0)) * 100)
    }

    let pct = await atProgress(0.05)
    const storm = state.faults.add({
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
    state.faults.remove(storm.id)
    say('storm over')
    pct = await atProgress(0.25)
    await b.kill()
    say(`at ${String(pct)} %: SIGKILL worker-b (2/2)`)
    await sleep(2_000)
    b.start()
    say('worker-b restarted')
    pct = await atProgress(0.4)
    const redis = createRedis(sys.config.REDIS_URL)
    await redis.flushdb()
    redis.disconnect()
    say(
      `at ${String(pct)} %: Redis FLUSHDB on DB ${String(REDIS_DB)} (queues, jobs, the sweep's scheduler and the tenant locks are gone)`,
    )
    pct = await atProgress(0.55, 45_000)
    let pgRestartMs: number | null = null
    if (PG_RESTART) {
      pgRestartMs = await restartPostgres(sys.db.url)
      say(
        `at ${String(pct)} %: PostgreSQL restarted (${String(pgRestartMs)} ms until it accepted connections again)`,
      )
    } else {
      say('PostgreSQL restart skipped (CHAOS_PG_RESTART=0)')
    }
    for (const id of faultIds) if (id !== latencyId) state.faults.remove(id)
    say('faults off (latency stays); waiting for convergence')

    // Convergence: every onboarding customer onboarded (or failed: reported below), every re-check customer
    // checked since the chaos began and compliant.
    const since = new Date(t0)
    await eventually(
      'convergence',
      async () => {
        const [row] = await query<{ onboarded: number; failed: number; checked: number; compliant: number }>(
          `SELECT
             (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-onboard-%' AND onboarding_state = 'onboarded') AS onboarded,
             (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-onboard-%' AND onboarding_state = 'failed') AS failed,
             (SELECT count(DISTINCT r.customer_id)::int FROM check_runs r JOIN customers c ON c.id = r.customer_id
               WHERE c.name LIKE 'chaos-recheck-%' AND r.kind = 'check' AND r.outcome IN ('compliant', 'remediated')
                 AND r.started_at >= $1) AS checked,
             (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-recheck-%' AND compliance_state = 'compliant') AS compliant`,
          [since],
        )
        if (!row) return false
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
    state.faults.remove(latencyId)

    // ---- The tally ----
    const customers = await query<{
      id: string
      name: string
      tenant_id: string | null
      onboarding_state: string
      compliance_state: string
    }>(
      `SELECT id::text AS id, name, tenant_id::text AS tenant_id, onboarding_state::text, compliance_state::text
       FROM customers WHERE name LIKE 'chaos-%'`,
    )
    const byTenant = new Map<string, number>()
    for (const c of customers)
      if (c.tenant_id) byTenant.set(c.tenant_id, (byTenant.get(c.tenant_id) ?? 0) + 1)
    const missingTenants = [...allTenants].filter((t) => !byTenant.has(t))
    const duplicateTenants = [...byTenant].filter(([, n]) => n > 1).map(([t]) => t)

    const wrongInDb = customers.filter(
      (c) => c.onboarding_state !== 'onboarded' || c.compliance_state !== 'compliant',
    )
    const wrongInSim = [...allTenants].filter((t) => {
      const entry = state.readPartner(state.requireTenant(t), PARTNER) ?? null
      return evaluatePartner(defaultPolicy, entry, [], new Date()).status !== 'compliant'
    })

    const log = state.requests
      .list({ sinceSeq: firstSeq })
      .filter((e) => e.tenant && allTenants.has(e.tenant))
    const overlaps = overlappingRequests(log, allTenants, 10)
    const early = log.filter((e) => e.early)
    const faulted = log.filter((e) => e.fault && e.fault !== 'latency')

    const onboardIdsDb = customers.filter((c) => c.name.startsWith('chaos-onboard-')).map((c) => c.id)
    const audits = await query<{ customer_id: string; actions: string[] }>(
      `SELECT customer_id::text, array_agg(DISTINCT action) AS actions FROM audit_events
       WHERE customer_id = ANY($1::uuid[]) GROUP BY customer_id`,
      [onboardIdsDb],
    )
    const auditOf = new Map(audits.map((r) => [r.customer_id, new Set(r.actions)]))
    const requiredAudit = ['onboarding.access_verified', 'onboarding.policy_applied', 'onboarding.completed']
    const auditGaps = onboardIdsDb.filter((id) => !requiredAudit.every((a2) => auditOf.get(id)?.has(a2)))
    const remediated = await query<{ id: string; customer_id: string }>(
      `SELECT r.id::text AS id, r.customer_id::text FROM check_runs r JOIN customers c ON c.id = r.customer_id
       WHERE c.name LIKE 'chaos-recheck-%' AND r.outcome = 'remediated'`,
    )
    const remediationAudits = await query<{ entity_id: string }>(
      `SELECT entity_id FROM audit_events WHERE action = 'policy.remediated' AND entity_id = ANY($1::text[])`,
      [remediated.map((r) => r.id)],
    )
    const unauditedRemediations = remediated.length - new Set(remediationAudits.map((r) => r.entity_id)).size
    const outcomes = await query<{ kind: string; outcome: string; n: number }>(
      `SELECT r.kind::text, r.outcome::text, count(*)::int AS n FROM check_runs r
       JOIN customers c ON c.id = r.customer_id WHERE c.name LIKE 'chaos-%' GROUP BY 1, 2 ORDER BY 1, 2`,
    )

    const tally = {
      tenants: TENANTS,
      onboarding: ONBOARDING,
      recheck: RECHECK,
      drifted: drifted.size,
      workerStarts: workers.reduce((n, w) => n + w.starts, 0),
      sigkills: 2,
      redisFlushes: 1,
      postgresRestarts: PG_RESTART ? 1 : 0,
      postgresRestartMs: pgRestartMs,
      requests: log.length,
      faultedRequests: faulted.length,
      faultsByKind: Object.fromEntries(
        [...new Set(faulted.map((e) => e.fault ?? ''))].map((f) => [
          f,
          faulted.filter((e) => e.fault === f).length,
        ]),
      ),
      runs: Object.fromEntries(outcomes.map((o) => [`${o.kind}:${o.outcome}`, o.n])),
      customersInDb: customers.length,
      missingTenants: missingTenants.length,
      duplicateTenants: duplicateTenants.length,
      wrongInDb: wrongInDb.length,
      wrongInSimulator: wrongInSim.length,
      tenantsWithConcurrentJobs: new Set(overlaps.map((o) => o.split(':')[0])).size,
      earlyRetries: early.length,
      onboardedWithoutFullAudit: auditGaps.length,
      remediationsWithoutAudit: unauditedRemediations,
    }
    say(`TALLY ${JSON.stringify(tally, null, 2)}`)
    if (wrongInDb.length > 0) say(`wrong in Postgres (first 5): ${JSON.stringify(wrongInDb.slice(0, 5))}`)
    if (overlaps.length > 0) say(`overlaps (first 5): ${overlaps.slice(0, 5).join('; ')}`)
    if (early.length > 0) say(`early (first 3): ${JSON.stringify(early.slice(0, 3))}`)
    const workerErrors = workers.flatMap((w) => w.lines.filter((l) => /"level":(50|60)/.test(l)))
    if (workerErrors.length > 0) say(`worker errors (first 5):\n${workerErrors.slice(0, 5).join('\n')}`)

    expect(customers.length).toBe(TENANTS)
    expect(missingTenants).toEqual([])
    expect(duplicateTenants).toEqual([])
    expect(wrongInDb.map((c) => `${c.name}: ${c.onboarding_state}/${c.compliance_state}`)).toEqual([])
    expect(wrongInSim).toEqual([])
    expect(overlaps).toEqual([])
    expect(early.map((e) => `${e.origin} ${e.method} ${e.path} #${String(e.seq)}`)).toEqual([])
    expect(auditGaps).toEqual([])
    expect(unauditedRemediations).toBe(0)
    // The chaos really happened.
    expect(faulted.length).toBeGreaterThan(0)
  })
})
