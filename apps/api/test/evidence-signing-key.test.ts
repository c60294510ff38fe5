// The evidence signing key from configuration: inline or as a file, Ed25519 only, never both forms; a bad key
// stops the API naming the variable (never the key), no key leaves the export switched off.
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ConfigError, parseConfig } from '@crosstrust/config'
import { evidenceKeyId } from '@crosstrust/core'
import { describe, expect, it } from 'vitest'
import { composeEvidence } from '../src/compose.ts'

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/app',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PUBLIC_BASE_URL: 'https://crosstrust.example.com',
  APP_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  APP_CLIENT_SECRET: 'super-secret-value',
  PARTNER_TENANT_ID: '07d2f395-f69c-43ab-88a2-b82f1151042d',
  PARTNER_NAME: 'Truesec Detect AB',
}
const pem = (type: 'ed25519' | 'x25519') =>
  generateKeyPairSync(type as 'ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()

function configError(run: () => unknown): string[] {
  try {
    run()
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems]
    throw err
  }
  throw new Error('no ConfigError')
}

describe('evidence signing key', () => {
  it('is read inline or from a file, and names the partner', () => {
    const key = pem('ed25519')
    const inline = composeEvidence(parseConfig({ ...base, EVIDENCE_SIGNING_KEY: key }))
    const dir = mkdtempSync(path.join(tmpdir(), 'evidence-key-'))
    const file = path.join(dir, 'key.pem')
    writeFileSync(file, key)
    const fromFile = composeEvidence(parseConfig({ ...base, EVIDENCE_SIGNING_KEY_FILE: file }))
    rmSync(dir, { recursive: true, force: true })
    expect(inline.partner).toEqual({ name: 'Truesec Detect AB', tenantId: base.PARTNER_TENANT_ID })
    expect(inline.signingKey && evidenceKeyId(inline.signingKey.publicKey)).toMatch(/^[0-9a-f]{32}$/)
    expect(fromFile.signingKey && evidenceKeyId(fromFile.signingKey.publicKey)).toBe(
      inline.signingKey && evidenceKeyId(inline.signingKey.publicKey),
    )
  })

  it('is optional: without it the export is off', () => {
    expect(composeEvidence(parseConfig(base)).signingKey).toBeNull()
  })

  it('refuses both forms at once, a key of another type, junk and a missing file, without echoing the key', () => {
    expect(
      configError(() => parseConfig({ ...base, EVIDENCE_SIGNING_KEY: 'x', EVIDENCE_SIGNING_KEY_FILE: 'y' })),
    ).toEqual(['EVIDENCE_SIGNING_KEY_FILE: set EVIDENCE_SIGNING_KEY or EVIDENCE_SIGNING_KEY_FILE, not both'])
    expect(
      configError(() => composeEvidence(parseConfig({ ...base, EVIDENCE_SIGNING_KEY: pem('x25519') }))),
    ).toEqual(['EVIDENCE_SIGNING_KEY: the evidence signing key must be an Ed25519 key'])
    expect(
      configError(() => composeEvidence(parseConfig({ ...base, EVIDENCE_SIGNING_KEY: 'secret junk' }))),
    ).toEqual(['EVIDENCE_SIGNING_KEY: the evidence signing key is not a PEM private key'])
    expect(
      configError(() =>
        composeEvidence(parseConfig({ ...base, EVIDENCE_SIGNING_KEY_FILE: '/nonexistent/key.pem' })),
      ),
    ).toEqual(['EVIDENCE_SIGNING_KEY_FILE: the file cannot be read'])
  })
})
