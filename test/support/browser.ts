// Headless Debian Chromium driven by playwright-core (never a downloaded browser).
//
// The simulator serves HTTPS with a certificate from its own local CA. Node trusts that CA through
// NODE_EXTRA_CA_CERTS, but Chromium reads neither that variable nor a CA file we could pass on the command
// line (it trusts the NSS database of the profile). Instead of turning certificate checks off for every host
// (`ignoreHTTPSErrors`), we pin the simulator's own server key: `--ignore-certificate-errors-spki-list`
// accepts exactly the certificates whose public key hash is listed, so any other certificate error would
// still fail the test. The key is read from the running simulator over TLS.
import { createHash, X509Certificate } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { connect } from 'node:tls'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const SCREENSHOT_DIR = new URL('../../.artifacts/screenshots/', import.meta.url)

/** base64(sha256(SubjectPublicKeyInfo)) of the certificate `url`'s server presents. */
export async function serverSpkiHash(url: string): Promise<string> {
  const { hostname, port } = new URL(url)
  const der = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const cert = socket.getPeerX509Certificate()
      socket.end()
      if (!cert) reject(new Error(`no certificate from ${url}`))
      else resolve(cert.raw)
    })
    socket.once('error', reject)
  })
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}

export interface BrowserSession {
  browser: Browser
  context: BrowserContext
  page: Page
  /** Dialogs (alert/confirm/prompt) any page opened: an XSS that executed would show up here. */
  dialogs: string[]
  /** Console errors and uncaught page errors (CSP violations are reported here). */
  errors: string[]
  /** Every response with status >= 400 the page received (documents and subresources). */
  failedLoads: string[]
  screenshot(name: string): Promise<void>
  close(): Promise<void>
}

export async function openBrowser(simulatorUrls: string[]): Promise<BrowserSession> {
  const pins = [...new Set(await Promise.all(simulatorUrls.map(serverSpkiHash)))]
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${pins.join(',')}`],
  })
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
  const page = await context.newPage()
  const dialogs: string[] = []
  const errors: string[] = []
  const failedLoads: string[] = []
  context.on('page', (p) => {
    p.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
  })
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    // Failed loads are reported with their URL below (the console message has none).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  page.on('response', (r) => {
    if (r.status() >= 400) failedLoads.push(`${String(r.status())} ${r.url()}`)
  })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return {
    browser,
    context,
    page,
    dialogs,
    errors,
    failedLoads,
    async screenshot(name) {
      await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOT_DIR).pathname, fullPage: true })
    },
    async close() {
      await context.close()
      await browser.close()
    },
  }
}
