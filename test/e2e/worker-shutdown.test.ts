// SIGTERM on a real worker process (`node --import tsx apps/worker/src/main.ts`, what `docker stop` sends to the worker
// container): it stops taking jobs, lets the checks it is running finish and records them, exits 0 well
// within Docker's grace period, and leaves the jobs it had not started in the queue, where the next worker
// process takes them. Nothing is lost and nothing is checked twice.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedOnboardedCustomer } from '../support/monitoring.ts'
import { startSystem, waitFor, type System } from '../support/system.ts'
import { spawnWorkerProcess } from '../support/worker-process.ts'

const CHECKS = 12
/** The compose file's stop_grace_period for the worker: Docker sends SIGKILL after it. */
const DOCKER_GRACE_MS = 30_000
let sys: System
const children: ChildProcess[] = []

beforeAll(async () => {
  sys = await startSystem({ worker: false })
})
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await sys.stop()
})

function startWorkerProcess(): ChildProcess {
  const child = spawnWorkerProcess(sys, { WORKER_CONCURRENCY: '3' })
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(`[worker] ${chunk.toString()}`)
  })
  children.push(child)
  return child
}

describe('worker shutdown on SIGTERM', () => {
  it('finishes the checks it runs, exits 0 in time and hands the rest to the next worker', async () => {
    const customers = await Promise.all(
      Array.from({ length: CHECKS }, () => seedOnboardedCustomer(sys, { mode: 'report', nextCheckAt: null })),
    )
    const ids = customers.map((c) => c.id)
    // Slow Graph: each check takes a few hundred milliseconds per request, so checks are in flight at SIGTERM.
    sys.sim.state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: 300, latencyMaxMs: 500 })
    const runs = () => sys.db.prisma.checkRun.findMany({ where: { customerId: { in: ids }, kind: 'check' } })

    const first = startWorkerProcess()
    await waitFor(
      async () => (await sys.queues.queue('check').getWorkersCount()) >= 1,
      'the worker process to connect',
      45_000,
    )
    const requestedAt = new Date().toISOString()
    for (const id of ids) {
      await sys.queues.enqueue('check', { customerId: id, trigger: 'staff', dueAt: requestedAt })
    }
    await waitFor(
      async () => ((await sys.queues.queue('check').getJobCounts('active')).active ?? 0) > 0,
      'checks in flight',
    )

    const signalledAt = Date.now()
    first.kill('SIGTERM')
    const [code] = (await once(first, 'exit')) as [number | null]
    const tookMs = Date.now() - signalledAt
    expect(code).toBe(0)
    expect(tookMs).toBeLessThan(DOCKER_GRACE_MS)

    // What it had started is recorded as done; what it had not is still queued, not lost or failed.
    const doneByFirst = await runs()
    expect(doneByFirst.length).toBeGreaterThan(0)
    expect(doneByFirst.every((r) => r.finishedAt !== null && r.outcome === 'compliant')).toBe(true)
    const counts = await sys.queues.queue('check').getJobCounts('waiting', 'active', 'failed', 'prioritized')
    expect(counts.failed ?? 0).toBe(0)
    expect((counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBe(CHECKS - doneByFirst.length)

    startWorkerProcess()
    await waitFor(async () => ((await runs()).length >= CHECKS ? true : null), 'every check', 60_000)
    const all = await runs()
    expect(new Set(all.map((r) => r.customerId)).size).toBe(CHECKS)
    expect(all).toHaveLength(CHECKS)
  }, 150_000)
})
