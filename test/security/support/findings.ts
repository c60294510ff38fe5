// What every answer to a hostile request must look like, collected as findings (so one run reports every
// problem at once) rather than failing at the first.
import type { RawResponse } from './raw-http.ts'
import type { Payload } from './payloads.ts'

export interface Finding {
  request: string
  problem: string
  status: number
  excerpt?: string
}

const STACK = [
  /\bat [\w$.<>]+ \((?:file:\/\/)?\/[^)]+:\d+:\d+\)/,
  /node_modules\//,
  /\/work\/main\//,
  /\.ts:\d+:\d+/,
  /"stack"\s*:/,
  /PrismaClient\w*Error|Invalid `prisma\./,
]

/** Hosts a Location header may point to: our own origin (or relative) and the identity platform. */
export interface RedirectRules {
  selfOrigin: string
  allowedOrigins: string[]
}

export class Findings {
  readonly list: Finding[] = []
  requests = 0

  add(request: string, problem: string, res: RawResponse | { status: number; body?: string }): void {
    this.list.push({
      request: request.slice(0, 200),
      problem,
      status: res.status,
      ...(res.body === undefined ? {} : { excerpt: res.body.slice(0, 300) }),
    })
  }

  /** A clear 4xx or a safe page: never 5xx, never a stack trace, content type set, no raw reflection. */
  checkSafe(label: string, res: RawResponse, payload: Payload | undefined, redirects: RedirectRules): void {
    this.requests += 1
    if (res.status === 0 || res.status >= 500 || res.status < 200) {
      const problem = res.status === 0 ? 'no HTTP response (connection dropped)' : `status ${res.status}`
      this.add(label, problem, res)
      return
    }
    for (const re of STACK) {
      if (re.test(res.body)) this.add(label, `internal detail in body (${re.source})`, res)
    }
    if (res.body.length > 0 && !res.headers['content-type']) this.add(label, 'body without content-type', res)
    if (res.headers['x-injected'] !== undefined) this.add(label, 'injected response header', res)
    if (res.setCookies.some((c) => c.toLowerCase().startsWith('injected'))) {
      this.add(label, 'injected Set-Cookie', res)
    }
    if (res.status >= 300 && res.status < 400) this.checkRedirect(label, res, redirects)
    if (payload?.reflect !== undefined) this.checkNotReflected(label, res, payload.reflect)
  }

  checkRedirect(label: string, res: RawResponse, rules: RedirectRules): void {
    const location = res.headers.location
    if (location === undefined) {
      this.add(label, 'redirect without Location', res)
      return
    }
    let target: URL
    try {
      target = new URL(location, rules.selfOrigin)
    } catch {
      this.add(label, `unparseable Location ${location.slice(0, 100)}`, res)
      return
    }
    if (target.origin !== rules.selfOrigin && !rules.allowedOrigins.includes(target.origin)) {
      this.add(label, `open redirect to ${target.origin}`, res)
    }
    // Browsers treat `/\` and `//` as another host even when URL() resolved it relative to us.
    if (/^(?:\/[\\/]|\\)/.test(location) || /[\r\n\t]/.test(location)) {
      this.add(label, `ambiguous Location ${JSON.stringify(location.slice(0, 100))}`, res)
    }
  }

  checkNotReflected(label: string, res: RawResponse, text: string): void {
    if (res.body.includes(text)) this.add(label, 'payload reflected raw in body', res)
    for (const [name, value] of Object.entries(res.headers)) {
      if (value.includes(text)) this.add(label, `payload reflected raw in header ${name}`, res)
    }
    // A header line the payload would have created (CRLF injection) shows up as a line of its own.
    for (const line of text.split(/\r?\n/).slice(1)) {
      if (line.length > 0 && res.rawHead.toLowerCase().includes(`\r\n${line.toLowerCase()}`)) {
        this.add(label, 'payload created a header line', res)
      }
    }
  }
}
