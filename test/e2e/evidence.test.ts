// Evidence packs and the fleet report through a running API and the CLI: a Viewer downloads a customer's
// signed pack (audited as evidence.exported), `crosstrust evidence verify` accepts it offline with the
// signer's public key and refuses it (exit 4) once a byte of the document changed; bad periods and unknown
// customers are problem+json; the fleet report comes as CSV and PDF.
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { staffTokens, type StaffUser } from '../support/staff-tokens.ts'
import { startSystem, type System } from '../support/system.ts'

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/crosstrust.js')
const dir = mkdtempSync(path.join(tmpdir(), 'crosstrust-evidence-'))
const { privateKey, publicKey } = generateKeyPairSync('ed25519')
const publicKeyFile = path.join(dir, 'evidence-signing.pub.pem')
writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }))

let sys: System
let tokens: Record<StaffUser, string>
let customerId: string

beforeAll(async () => {
  sys = await startSystem({
    worker: false,
    env: { EVIDENCE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  })
  tokens = await staffTokens(sys)
  const res = await fetch(`${sys.baseUrl}/api/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Contoso' }),
  })
  expect(res.status).toBe(201)
  customerId = ((await res.json()) as { id: string }).id
  // A drift whose tenant has not enabled attribution: the pack carries the row as it is.
  const run = await sys.db.prisma.checkRun.create({
    data: { customerId, kind: 'check', trigger: 'schedule', outcome: 'drifted', finishedAt: new Date() },
  })
  await sys.db.prisma.driftAttribution.create({
    data: {
      checkRunId: run.id,
      customerId,
      status: 'not_enabled',
      windowStart: new Date(Date.now() - 3600_000),
      windowEnd: new Date(),
    },
  })
})
afterAll(async () => {
  await sys.stop()
  rmSync(dir, { recursive: true, force: true })
})

const get = (user: StaffUser, url: string) =>
  fetch(`${sys.baseUrl}${url}`, { headers: { authorization: `Bearer ${tokens[user]}` } })

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('CROSSTRUST_')) env[k] = v
  }
  Object.assign(env, { CROSSTRUST_URL: sys.baseUrl, CROSSTRUST_TOKEN: tokens.viewer, NO_COLOR: '1' })
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    })
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

describe('evidence pack over the API', () => {
  it('gives a Viewer the signed pack as a download and records the export', async () => {
    const res = await get('viewer', `/api/v1/customers/${customerId}/evidence`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="crosstrust-evidence-contoso-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.json"$/,
    )
    const pack = (await res.json()) as { format: string; document: string; pdf: string }
    expect(pack.format).toBe('crosstrust.evidence-pack/v1')
    const doc = JSON.parse(pack.document) as { drifts: { attribution: { status: string } | null }[] }
    expect(doc.drifts.map((d) => d.attribution?.status)).toEqual(['not_enabled'])
    expect(Buffer.from(pack.pdf, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
    const audit = await sys.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'evidence.exported' } })
    expect(audit).toMatchObject({ customerId, actorType: 'staff', actorName: 'Vera Viewer' })
  })

  it('answers bad periods and unknown customers with problem+json', async () => {
    const backwards = await get(
      'viewer',
      `/api/v1/customers/${customerId}/evidence?from=2026-11-30&to=2026-11-01`,
    )
    expect(backwards.status).toBe(400)
    expect(backwards.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await backwards.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'from', message: 'must be before to' }],
    })
    expect((await get('viewer', `/api/v1/customers/${customerId}/evidence?from=yesterday`)).status).toBe(400)
    const unknown = await get('viewer', '/api/v1/customers/00000000-0000-4000-8000-000000000000/evidence')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'customer_not_found' })
  })
})

describe('evidence downloads on the dashboard', () => {
  it('serves the pack for whole days, the last day included, and the fleet report as PDF', async () => {
    const res = await get('viewer', `/customers/${customerId}/evidence?from=2026-11-01&to=2026-11-30`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain(
      'crosstrust-evidence-contoso-2026-11-01-2026-12-01.json',
    )
    const doc = JSON.parse(((await res.json()) as { document: string }).document) as { period: unknown }
    expect(doc.period).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' })
    const fleet = await get('viewer', '/reports/fleet?from=2026-11-01&to=2026-11-30&format=pdf')
    expect(fleet.status).toBe(200)
    expect(fleet.headers.get('content-type')).toBe('application/pdf')
  })
})

describe('evidence pack with the CLI', () => {
  it('downloads a pack and its PDF, verifies it offline, and refuses it once changed (exit 4)', async () => {
    const download = await cli(['evidence', customerId, '--output', 'pack.json', '--pdf', 'pack.pdf'])
    expect(download.code, download.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'pack.pdf')).subarray(0, 5).toString()).toBe('%PDF-')

    const verified = await cli(['evidence', 'verify', 'pack.json', '--public-key', publicKeyFile])
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.stdout).toMatch(/Evidence pack\s+valid/)
    expect(verified.stdout).toContain('Contoso')

    const pack = JSON.parse(readFileSync(path.join(dir, 'pack.json'), 'utf8')) as { document: string }
    pack.document = pack.document.replace('"name": "Contoso"', '"name": "Contoso Ltd"')
    writeFileSync(path.join(dir, 'tampered.json'), JSON.stringify(pack))
    const tampered = await cli(['evidence', 'verify', 'tampered.json', '--public-key', publicKeyFile])
    expect(tampered.code).toBe(4)
    expect(tampered.stdout).toMatch(/Evidence pack\s+INVALID/)
    expect(tampered.stderr).toContain('the document was changed')

    const noKey = await cli(['evidence', 'verify', 'pack.json'])
    expect(noKey.code).toBe(2)
  })
})

describe('fleet report', () => {
  it('comes as CSV and PDF over the API and the CLI', async () => {
    const csv = await get('viewer', '/api/v1/reports/fleet?format=csv')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = (await csv.text()).split('\r\n')
    expect(lines[1]).toContain('"Contoso"')
    expect(lines[2]).toMatch(/^"fleet","1 customers"/)
    expect((await get('viewer', '/api/v1/reports/fleet?format=xlsx')).status).toBe(400)

    const pdf = await cli(['report', 'fleet', '--format', 'pdf', '--output', 'fleet.pdf'])
    expect(pdf.code, pdf.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'fleet.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    const stdout = await cli(['report', 'fleet', '--output', '-'])
    expect(stdout.stdout).toContain('"Contoso"')
  })
})
