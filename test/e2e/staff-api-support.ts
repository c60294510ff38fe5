// The staff JSON API tests' system and client: real bearer tokens for the demo staff users, answers as parsed
// JSON (untyped on purpose: the assertions are what checks their shape), and the audit rows of one request.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment --
   The API's JSON answers are untyped on purpose here: the assertions are what checks their shape. */
import { afterAll, beforeAll, expect } from 'vitest'
import { staffTokens, type StaffUser } from '../support/staff-tokens.ts'
import { DEMO_IDS, startSystem, type System } from '../support/system.ts'

export let sys: System
let tokens: Record<StaffUser, string>

/** Starts a whole Crosstrust for the calling test file and gets the demo staff users' tokens. */
export function useStaffApiSystem(): void {
  beforeAll(async () => {
    sys = await startSystem()
    tokens = await staffTokens(sys)
  })
  afterAll(async () => {
    await sys.stop()
  })
}

export interface Answer {
  status: number
  type: string
  requestId: string
  body: any
  text: string
}

export async function api(user: StaffUser, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sys.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[user]}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    requestId: res.headers.get('x-request-id') ?? '',
    body: parsed,
    text,
  }
}

export function expectProblem(answer: Answer, status: number, code?: string) {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.type).toContain('application/problem+json')
  expect(answer.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) })
  if (code !== undefined) expect(answer.body.code).toBe(code)
}

export async function snapshotCounts() {
  const db = sys.db.prisma
  return {
    customers: await db.customer.count(),
    links: await db.consentLink.count(),
    revokedLinks: await db.consentLink.count({ where: { revokedAt: { not: null } } }),
    deviations: await db.acceptedDeviation.count(),
    webhooks: await db.webhookEndpoint.count(),
    policies: await db.policyVersion.count(),
    audit: await db.auditEvent.count(),
  }
}

export const staffOid = (user: StaffUser) => DEMO_IDS.staff[user]
/** The demo staff users' display names (the simulator's seed), by object id. */
export const STAFF_NAMES: Record<string, string> = {
  [DEMO_IDS.staff.viewer]: 'Vera Viewer',
  [DEMO_IDS.staff.operator]: 'Oskar Operator',
  [DEMO_IDS.staff.admin]: 'Alva Admin',
}
/** Audit rows written by the request that got `answer` (the request id ties them together). */
export const auditOf = (answer: Answer) =>
  sys.db.prisma.auditEvent.findMany({ where: { requestId: answer.requestId }, orderBy: { id: 'asc' } })

/**
 * The customers the resource tests create through the API (Fabrikam Retail, bound to the demo tenant, and
 * three whose names test CSV escaping), and a consent link issued and revoked for Fabrikam. Returns its id.
 */
export async function createStoryCustomers(): Promise<string> {
  const created = await api('operator', 'POST', '/api/v1/customers', {
    name: 'Fabrikam Retail',
    tenant: 'fabrikam-retail.example',
    contacts: [{ name: 'Frida', email: 'frida@fabrikam-retail.example' }],
  })
  expect(created.status, created.text).toBe(201)
  for (const name of ['=cmd|calc', 'Acme, "Quoted"', 'Zeta']) {
    expect((await api('operator', 'POST', '/api/v1/customers', { name })).status).toBe(201)
  }
  const id = created.body.id as string
  const link = await api('operator', 'POST', `/api/v1/customers/${id}/consent-links`)
  expect(link.status, link.text).toBe(201)
  const revoked = await api(
    'operator',
    'DELETE',
    `/api/v1/customers/${id}/consent-links/${link.body.id as string}`,
  )
  expect(revoked.status, revoked.text).toBe(200)
  return id
}
