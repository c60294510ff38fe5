// The container check's monitoring fleet (scripts/container-check.sh): onboarded customers whose checks are
// due now, and the proofs about the runs the worker replicas made of them.
//   fleet.ts seed <count> <ids file>   tenants in the simulator (consented, compliant partner entry) and their
//                                      customers in PostgreSQL, due at once; their ids go to <ids file>
//   fleet.ts wait <ids file> <seconds> every customer of <ids file> has a finished check run; then no two runs
//                                      of one customer overlapped in time (no tenant checked twice at once)
//   fleet.ts slow <ms>                 Graph answers take <ms>..2×<ms>, so a batch is still running when a
//                                      worker is killed; `fleet.ts slow 0` removes the delay
// Environment: DATABASE_URL (a role that may write customers), SIM_LOGIN_URL, NODE_EXTRA_CA_CERTS.
import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { buildCreateBody, defaultPolicy } from '@crosstrust/core'
import { createPrismaClient } from '@crosstrust/db'
import { DEMO_IDS } from '@crosstrust/ms-sim'
import { onboardedCustomerData } from '@crosstrust/testkit/fixtures'

const [command = '', ...args] = process.argv.slice(2)
const simUrl = process.env.SIM_LOGIN_URL ?? ''
const db = createPrismaClient(process.env.DATABASE_URL ?? '')

async function sim(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${simUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${String(res.status)} ${await res.text()}`)
  return res.status === 204 ? null : res.json()
}

async function seed(count: number, idsFile: string): Promise<void> {
  const ids: string[] = []
  for (let n = 0; n < count; n += 1) {
    const tenantId = randomUUID()
    const label = `fleet${tenantId.slice(0, 8)}`
    await sim('POST', '/_sim/tenants', {
      id: tenantId,
      displayName: label,
      domains: [`${label}.example`],
      licence: 'P2',
      consents: [{ clientId: DEMO_IDS.appClientId }],
      partners: [buildCreateBody(defaultPolicy, DEMO_IDS.partnerTenantId)],
    })
    const customer = await db.customer.create({
      data: onboardedCustomerData(tenantId, { name: label, mode: null, nextCheckAt: new Date() }),
    })
    ids.push(customer.id)
  }
  writeFileSync(idsFile, `${ids.join('\n')}\n`)
  process.stdout.write(`${String(ids.length)} customers due\n`)
}

async function waitChecked(idsFile: string, seconds: number): Promise<void> {
  const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean)
  const deadline = Date.now() + seconds * 1000
  let missing = ids.length
  while (Date.now() < deadline) {
    const checked = await db.checkRun.groupBy({
      by: ['customerId'],
      where: { customerId: { in: ids }, kind: 'check', outcome: 'compliant', finishedAt: { not: null } },
    })
    missing = ids.length - checked.length
    if (missing === 0) break
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
  if (missing > 0) throw new Error(`${String(missing)} of ${String(ids.length)} customers never checked`)
  // Two runs of one customer overlap when each started before the other finished (a run is recorded when it
  // ends, with its start). Skipped runs (the tenant was busy) did nothing.
  const overlaps = await db.$queryRaw<{ customer_id: string }[]>`
    SELECT DISTINCT a.customer_id::text AS customer_id
    FROM check_runs a JOIN check_runs b ON a.customer_id = b.customer_id AND a.id < b.id
    WHERE a.customer_id::text = ANY(${ids})
      AND a.outcome IS DISTINCT FROM 'skipped' AND b.outcome IS DISTINCT FROM 'skipped'
      AND a.finished_at IS NOT NULL AND b.finished_at IS NOT NULL
      AND a.started_at < b.finished_at AND b.started_at < a.finished_at`
  if (overlaps.length > 0) {
    throw new Error(`checked twice at once: ${overlaps.map((o) => o.customer_id).join(', ')}`)
  }
  const runs = await db.checkRun.count({ where: { customerId: { in: ids }, kind: 'check' } })
  process.stdout.write(`${String(ids.length)} customers checked (${String(runs)} runs), no overlap\n`)
}

async function slow(ms: number): Promise<void> {
  const rules = (await sim('GET', '/_sim/faults')) as { id: string; kind: string }[]
  for (const rule of rules.filter((r) => r.kind === 'latency')) await sim('DELETE', `/_sim/faults/${rule.id}`)
  if (ms > 0)
    await sim('POST', '/_sim/faults', {
      kind: 'latency',
      origin: 'graph',
      latencyMs: ms,
      latencyMaxMs: 2 * ms,
    })
}

try {
  if (command === 'seed') await seed(Number(args[0]), args[1] ?? '')
  else if (command === 'wait') await waitChecked(args[0] ?? '', Number(args[1] ?? 180))
  else if (command === 'slow') await slow(Number(args[0] ?? 0))
  else throw new Error('usage: fleet.ts seed <count> <ids file> | wait <ids file> <seconds> | slow <ms>')
} finally {
  await db.$disconnect()
}
