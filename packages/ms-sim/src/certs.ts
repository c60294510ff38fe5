// Certificates for the simulator: its own CA (trusted by product processes through NODE_EXTRA_CA_CERTS),
// the HTTPS server certificate it issues at every start, and client certificates for app registrations.
import 'reflect-metadata'
import { createHash, webcrypto, X509Certificate as NodeX509 } from 'node:crypto'

type CryptoKey = webcrypto.CryptoKey
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const

export interface CaFiles {
  certPath: string
  keyPath: string
}

export interface PemPair {
  certPem: string
  keyPem: string
}

/** Walks up from this file to the monorepo root (the folder holding pnpm-workspace.yaml). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return process.cwd()
    dir = parent
  }
}

export function defaultCaDir(): string {
  return join(repoRoot(), '.sim', 'ca')
}

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64')
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key))
}

function pemBody(pem: string, label: string): Buffer {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`)
  const m = re.exec(pem)
  if (!m?.[1]) throw new Error(`no ${label} in PEM`)
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64')
}

async function fileExists(p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch {
    return false
  }
}

async function generateCa(): Promise<PemPair> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Crosstrust Microsoft Simulator CA, O=Crosstrust (local only)',
    keys,
    signingAlgorithm: EC_SIGN,
    notBefore: new Date(Date.now() - 24 * 3600_000),
    notAfter: new Date(Date.now() + 10 * 365 * 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) }
}

/**
 * Creates the CA in `caDir` unless it is already there. Several processes (vitest global setup, `pnpm sim`,
 * demo) may race: an exclusive lock file makes exactly one of them generate it; the others wait for it.
 */
export async function ensureSimulatorCa(caDir: string = defaultCaDir()): Promise<CaFiles> {
  const certPath = join(caDir, 'ca.pem')
  const keyPath = join(caDir, 'ca-key.pem')
  if ((await fileExists(certPath)) && (await fileExists(keyPath))) return { certPath, keyPath }
  await mkdir(caDir, { recursive: true })
  const lockPath = join(caDir, '.lock')
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      await handle.close()
      break
    } catch {
      if ((await fileExists(certPath)) && (await fileExists(keyPath))) return { certPath, keyPath }
      // A lock older than 30 s belongs to a crashed process.
      const st = await stat(lockPath).catch(() => null)
      if (st && Date.now() - st.mtimeMs > 30_000) await rm(lockPath, { force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for the simulator CA lock ${lockPath}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  try {
    if (!((await fileExists(certPath)) && (await fileExists(keyPath)))) {
      const ca = await generateCa()
      const tmp = `.tmp-${process.pid}-${Date.now()}`
      await writeFile(join(caDir, `key${tmp}`), ca.keyPem, { mode: 0o600 })
      await writeFile(join(caDir, `cert${tmp}`), ca.certPem)
      // Key first: a reader treats the pair as present only once the cert exists.
      await rename(join(caDir, `key${tmp}`), keyPath)
      await rename(join(caDir, `cert${tmp}`), certPath)
    }
  } finally {
    await rm(lockPath, { force: true })
  }
  return { certPath, keyPath }
}

/** Issues a short-lived server certificate for the given hosts, signed by the CA. */
export async function issueServerCertificate(
  ca: CaFiles,
  hosts: string[],
): Promise<PemPair & { caPem: string }> {
  const caPem = await readFile(ca.certPath, 'utf8')
  const caKeyPem = await readFile(ca.keyPath, 'utf8')
  const caCert = new x509.X509Certificate(caPem)
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(caKeyPem, 'PRIVATE KEY'), EC, false, [
    'sign',
  ])
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])
  const names: x509.JsonGeneralName[] = []
  for (const h of new Set([...hosts, '127.0.0.1', 'localhost', '::1'])) {
    names.push({ type: /^[\d.]+$/.test(h) || h.includes(':') ? 'ip' : 'dns', value: h })
  }
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=ms-sim.local',
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: EC_SIGN,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 30 * 24 * 3600_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  })
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey), caPem }
}

export interface ClientCertificate extends PemPair {
  /** Hex SHA-1 thumbprint (MSAL `thumbprint`, JWT header `x5t`). */
  thumbprintSha1: string
  /** Hex SHA-256 thumbprint (MSAL `thumbprintSha256`, JWT header `x5t#S256`). */
  thumbprintSha256: string
}

/** A self-signed RSA certificate such as an app registration's credential ("Certificates & secrets"). */
export async function createClientCertificate(subject = 'CN=crosstrust-app'): Promise<ClientCertificate> {
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: subject,
    keys,
    signingAlgorithm: RSA,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 2 * 365 * 24 * 3600_000),
  })
  const certPem = cert.toString('pem') + '\n'
  return { certPem, keyPem: await exportKeyPem(keys.privateKey), ...thumbprints(certPem) }
}

export function thumbprints(certPem: string): { thumbprintSha1: string; thumbprintSha256: string } {
  const der = new NodeX509(certPem).raw
  return {
    thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
  }
}

/**
 * A PEM bundle for NODE_EXTRA_CA_CERTS that adds the simulator CA to whatever extra CAs the environment
 * already trusts (Node reads only one file). Returns the CA path itself when nothing else is configured.
 */
export async function simulatorTrustBundle(
  caDir: string = defaultCaDir(),
  existing = process.env.NODE_EXTRA_CA_CERTS,
): Promise<string> {
  const { certPath } = await ensureSimulatorCa(caDir)
  if (!existing || existing === certPath || existing.startsWith(join(caDir, 'bundle-'))) return certPath
  const ca = await readFile(certPath, 'utf8')
  const prior = await readFile(existing, 'utf8').catch(() => '')
  if (prior.includes(ca.trim())) return existing
  const bundlePath = join(
    caDir,
    `bundle-${createHash('sha256').update(existing).digest('hex').slice(0, 12)}.pem`,
  )
  const tmp = `${bundlePath}.${String(process.pid)}.tmp`
  await writeFile(tmp, `${prior.trimEnd()}\n${ca}`)
  await rename(tmp, bundlePath)
  return bundlePath
}
