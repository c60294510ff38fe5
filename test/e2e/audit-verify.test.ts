// `GET /api/v1/audit/verify` (Admin) and `crosstrust audit verify` against a whole running system: an
// intact trail reports its length and head hash (also logged, as an anchor outside the database); after
// the database owner rewrites one event, both report the broken link and the CLI exits 4.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffTokens, type StaffUser } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/crosstrust.js')

let sys: System
let tokens: Record<StaffUser, string>
const logLines: string[] = []

beforeAll(async () => {
  sys = await startSystem({
    worker: false,
    env: { LOG_LEVEL: 'info' },
    logDestination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'))
        done()
      },
    }),
  })
  tokens = await staffTokens(sys)
  for (const name of ['Contoso', 'Fabrikam', 'Northwind']) {
    const res = await fetch(`${sys.baseUrl}/api/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    })
    expect(res.status).toBe(201)
  }
})
afterAll(async () => {
  await sys.stop()
})

function verify(token: string): Promise<Response> {
  return fetch(`${sys.baseUrl}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } })
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('CROSSTRUST_')) env[k] = v
  }
  Object.assign(env, { CROSSTRUST_URL: sys.baseUrl, CROSSTRUST_TOKEN: tokens.admin, NO_COLOR: '1' })
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })
}

describe('audit chain verification (API and CLI)', () => {
  it('is for Admins only', async () => {
    expect((await verify(tokens.viewer)).status).toBe(403)
    expect((await verify(tokens.operator)).status).toBe(403)
    expect((await fetch(`${sys.baseUrl}/api/v1/audit/verify`)).status).toBe(401)
  })

  it('reports an intact chain with its length and head hash, and logs the head', async () => {
    const head = await sys.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { chainSeq: 'desc' } })
    const res = await verify(tokens.admin)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, count: 3, headSeq: '3', headHash: head.hash })
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(logged.find((l) => l.msg === 'audit chain verified')?.auditChain).toEqual({
      ok: true,
      count: 3,
      headSeq: '3',
      headHash: head.hash,
    })

    const run = await cli(['audit', 'verify'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/Audit chain\s+intact/)
    expect(run.stdout).toMatch(/Events\s+3/)
    expect(run.stdout).toContain(head.hash)
    const asJson = await cli(['audit', 'verify', '--json'])
    expect(JSON.parse(asJson.stdout)).toEqual({ ok: true, count: 3, headSeq: '3', headHash: head.hash })
    expect(run.stdout).toMatch(new RegExp(`Anchor\\s+3:${head.hash}`))
    const anchored = await cli(['audit', 'verify', '--anchor', `3:${head.hash}`])
    expect(anchored.code, anchored.stderr).toBe(0)
    const wrong = await cli(['audit', 'verify', '--anchor', `3:${'0'.repeat(64)}`])
    expect(wrong.code).toBe(4)
    expect(wrong.stdout).toMatch(/Kind\s+anchor_mismatch/)
    const malformed = await fetch(`${sys.baseUrl}/api/v1/audit/verify?anchor=3:xyz`, {
      headers: { authorization: `Bearer ${tokens.admin}` },
    })
    expect(malformed.status).toBe(400)
  })

  it('reports the first broken link after the owner rewrites an event, and the CLI exits 4', async () => {
    const second = await sys.db.prisma.auditEvent.findFirstOrThrow({ where: { chainSeq: 2n } })
    await sys.db.asOwner(async (owner) => {
      await owner.$transaction([
        owner.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete'),
        owner.$executeRawUnsafe(`UPDATE audit_events SET actor_name = 'Someone Else' WHERE chain_seq = 2`),
        owner.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete'),
      ])
    })
    const res = await verify(tokens.admin)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ok: boolean; count: number; break: Record<string, unknown> }
    expect(body).toMatchObject({
      ok: false,
      count: 1,
      break: { kind: 'content_changed', seq: '2', id: second.id.toString(), expected: second.hash },
    })

    const run = await cli(['audit', 'verify'])
    expect(run.code).toBe(4)
    expect(run.stdout).toMatch(/Audit chain\s+BROKEN/)
    expect(run.stdout).toMatch(/Broken at position\s+2/)
    expect(run.stdout).toMatch(/Kind\s+content_changed/)
    expect(run.stderr).toBe(
      `crosstrust audit verify: Audit chain broken: row id ${second.id.toString()} at position 2 no longer matches its hash: its content was changed\n`,
    )
  })
})
