// Per-tenant serialization across worker PROCESSES: two real worker processes
// (`tsx apps/worker/src/main.ts`, composed exactly as in production) share the queues for 200 tenants. Every
// tenant gets an apply and a check at the same moment, plus the scheduled check of its sweep; Graph answers
// slowly. The simulator's request log then proves no tenant ever saw two jobs at once: per tenant, no two
// requests (token or Graph) overlap in time. Each job's own requests are sequential, so two jobs running
// together would overlap; the log shows they never did.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSystem, waitFor, type System } from '../support/system.ts'
import { spawnWorkerProcess } from '../support/worker-process.ts'
import { seedOnboardedCustomer, tamper, readPartner } from '../support/monitoring.ts'

const TENANTS = 200
let sys: System
const children: ChildProcess[] = []

beforeAll(async () => {
  sys = await startSystem({ worker: false })
  // Started before the tenants are seeded: their start-up (transpiling the worker) overlaps the seeding.
  startWorkerProcess('worker-a')
  startWorkerProcess('worker-b')
})
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await sys.stop()
})

function startWorkerProcess(name: string): ChildProcess {
  const child = spawnWorkerProcess(sys, { WORKER_CONCURRENCY: '10' })
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(`[${name}] ${chunk.toString()}`)
  })
  children.push(child)
  return child
}

describe('two worker processes on 200 tenants', () => {
  it(
    'never run two jobs for one tenant at once (the simulator request log proves it)',
    { timeout: 120_000 },
    async () => {
      const now = new Date()
      const customers = await Promise.all(
        Array.from({ length: TENANTS }, async (_, i) => {
          const c = await seedOnboardedCustomer(sys, { mode: 'report', nextCheckAt: now })
          // Half of them drifted: their applies PATCH and read back (more requests per job).
          if (i % 2 === 0) {
            tamper(sys, c.tenantId ?? '', (p) => {
              ;(p.inboundTrust as Record<string, unknown>).isMfaAccepted = false
            })
          }
          return c
        }),
      )
      const byTenant = new Map(customers.map((c) => [c.tenantId ?? '', c.id]))
      // Slow, jittery Graph: concurrent jobs on one tenant would certainly overlap.
      sys.sim.state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: 10, latencyMaxMs: 30 })
      const firstSeq = sys.sim.state.requests.lastSeq

      // Both processes are up (their BullMQ workers connected) before any job exists, so both compete.
      await waitFor(
        async () => (await sys.queues.queue('apply').getWorkersCount()) >= 2,
        'both worker processes to connect',
        45_000,
      )
      const requestedAt = new Date().toISOString()
      // Interleaved per tenant (apply, check, apply, check, ...) so both of a tenant are picked up together.
      await Promise.all(
        customers.flatMap((c) => [
          sys.queues.enqueue('apply', { customerId: c.id, trigger: 'staff', requestedAt }),
          sys.queues.enqueue('check', { customerId: c.id, trigger: 'staff', dueAt: requestedAt }),
        ]),
      )

      const ids = customers.map((c) => c.id)
      await waitFor(
        async () => {
          const [applies, checks] = await Promise.all([
            sys.db.prisma.checkRun.count({ where: { customerId: { in: ids }, kind: 'apply' } }),
            sys.db.prisma.checkRun.count({
              where: { customerId: { in: ids }, kind: 'check', trigger: 'staff' },
            }),
          ])
          if (applies < TENANTS || checks < TENANTS) return false
          const counts = await Promise.all(
            (['check', 'apply'] as const).map((k) =>
              sys.queues.queue(k).getJobCounts('waiting', 'active', 'delayed'),
            ),
          )
          return counts.every((c) => (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0)
        },
        'all applies and checks to finish',
        90_000,
      )
      for (const child of children) child.kill('SIGTERM')
      await Promise.all(
        children.filter((child) => child.exitCode === null).map((child) => once(child, 'exit')),
      )

      // Jobs are identified by timing: each check/apply run records when its worker started and finished it
      // (holding the tenant lock). Every simulator request of a tenant must start inside exactly one of that
      // tenant's job spans, and the spans must not overlap. A request ends before its job's finishedAt (the
      // worker stamps it after the last response), and the next job's first request starts after that job's
      // startedAt, so requests of different jobs cannot overlap. (The log's own end times are stamped by the
      // simulator after the response is flushed, so a job's next request can appear to start a few ms before
      // its previous one "ended"; hence requests are compared through their jobs, not end to start.)
      const runs = await sys.db.prisma.checkRun.findMany({
        where: { customerId: { in: ids }, outcome: { not: 'skipped' } },
        select: { id: true, customerId: true, kind: true, startedAt: true, finishedAt: true },
        orderBy: { startedAt: 'asc' },
      })
      const spansOf = new Map<string, { id: string; start: number; end: number }[]>()
      for (const run of runs) {
        const list = spansOf.get(run.customerId) ?? []
        list.push({ id: run.id, start: run.startedAt.getTime(), end: run.finishedAt?.getTime() ?? Infinity })
        spansOf.set(run.customerId, list)
      }
      const problems: string[] = []
      for (const [customerId, spans] of spansOf) {
        for (let i = 1; i < spans.length; i += 1) {
          const prev = spans[i - 1]
          const next = spans[i]
          if (prev && next && next.start < prev.end)
            problems.push(`jobs overlap on ${customerId}: ${prev.id} ${next.id}`)
        }
      }
      const log = sys.sim.state.requests
        .list({ sinceSeq: firstSeq })
        .filter((e) => e.tenant && byTenant.has(e.tenant))
      const tenantsSeen = new Set<string>()
      const jobOrder = new Map<string, string[]>()
      for (const entry of [...log].sort(
        (x, y) => Date.parse(x.time) - x.durationMs - (Date.parse(y.time) - y.durationMs),
      )) {
        const tenant = entry.tenant ?? ''
        tenantsSeen.add(tenant)
        const start = Date.parse(entry.time) - entry.durationMs
        // 2 ms: the log's start is derived from a rounded duration.
        const owners = (spansOf.get(byTenant.get(tenant) ?? '') ?? []).filter(
          (span) => start >= span.start - 2 && start <= span.end + 2,
        )
        if (owners.length !== 1) {
          problems.push(
            `request #${String(entry.seq)} ${entry.method} ${entry.path} of ${tenant} is in ${String(owners.length)} jobs`,
          )
          continue
        }
        const order = jobOrder.get(tenant) ?? []
        const owner = owners[0]?.id ?? ''
        if (order.at(-1) !== owner) {
          if (order.includes(owner)) problems.push(`requests of two jobs interleave on ${tenant}`)
          order.push(owner)
        }
        jobOrder.set(tenant, order)
      }
      expect(tenantsSeen.size).toBe(TENANTS)
      expect(problems).toEqual([])

      // The jobs really did compete and both processes worked.
      const skipped = await sys.db.prisma.checkRun.count({
        where: { customerId: { in: ids }, outcome: 'skipped' },
      })
      expect(skipped).toBeGreaterThan(0)
      const tokenRequests = log.filter((e) => e.origin === 'login' && e.path.includes('/token'))
      const tenantsWithTwoTokens = [...tenantsSeen].filter(
        (t) => tokenRequests.filter((e) => e.tenant === t).length >= 2,
      )
      expect(tenantsWithTwoTokens.length).toBeGreaterThan(0) // a token per process: both processes served it
      // And the work is right: every drifted tenant was repaired by its apply.
      const applies = await sys.db.prisma.checkRun.findMany({
        where: { customerId: { in: ids }, kind: 'apply' },
      })
      expect(applies.every((r) => r.outcome === 'remediated' || r.outcome === 'compliant')).toBe(true)
      for (const c of customers) {
        expect(
          (readPartner(sys, c.tenantId ?? '')?.inboundTrust as Record<string, unknown>).isMfaAccepted,
        ).toBe(true)
      }
    },
  )
})
