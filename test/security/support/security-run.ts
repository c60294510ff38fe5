// Shared setup of the security suite: the system under attack, what must never reach its logs, the
// findings of each test and the tally. `sys`, `port`, `redirects` and `findings` are ES live bindings set by
// useSecurityRun's hooks.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { startSystem, type System } from '../../support/system.ts'
import { Findings, type RedirectRules } from './findings.ts'
import { addressPool, rawRequest, type RawRequest, type RawResponse } from './raw-http.ts'

/** A sealed session cookie: a compact JWE (alg dir, so its encrypted-key part is empty). */
export const SEALED_COOKIE = /^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/
export const logLines: string[] = []
/** Everything that must never reach a log, by what it is. */
export const secrets = new Map<string, string>()
export let findings = new Findings()
const allFindings: Findings['list'] = []
export const tally = { requests: 0, fuzzed: 0, routes: 0, probes: 0, rateLimited: 0, logLines: 0, secrets: 0 }

export let sys: System
export let port: number
export let redirects: RedirectRules
export const fuzzFrom = addressPool(7)
export const probeFrom = addressPool(8)

export function remember(kind: string, value: string | undefined | null): void {
  if (value && value.length >= 8) secrets.set(value, kind)
}

/**
 * One whole system per test file, logging at trace level into `logLines`, with every token the simulator
 * signs remembered as a secret; findings are collected per test and the tally printed (and the findings
 * written to $TMPDIR/crosstrust-security-findings-<name>.json) at the end.
 */
export function useSecurityRun(name: string): void {
  beforeAll(async () => {
    sys = await startSystem({
      env: { LOG_LEVEL: 'trace' },
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'))
          done()
        },
      }),
    })
    port = Number(new URL(sys.baseUrl).port)
    redirects = { selfOrigin: sys.baseUrl, allowedOrigins: [new URL(sys.sim.loginUrl).origin] }
    // Every token the simulator signs (app tokens for the worker, id/access tokens for staff) is a secret
    // the logs must not contain. Recording them wraps the simulator only; product code is untouched.
    const keys = sys.sim.state.keys
    const sign = keys.sign.bind(keys)
    keys.sign = async (payload, typ) => {
      const token = await sign(payload, typ)
      remember('token issued by the identity platform', token)
      return token
    }
    remember('APP_CLIENT_SECRET', sys.config.APP_CLIENT_SECRET)
    remember('STAFF_CLIENT_SECRET', sys.config.STAFF_CLIENT_SECRET)
    remember('SESSION_SECRET', sys.config.SESSION_SECRET)
  })

  beforeEach(() => {
    findings = new Findings()
  })
  afterEach(() => {
    tally.requests += findings.requests
    allFindings.push(...findings.list)
  })

  afterAll(async () => {
    await sys.stop()
    const report = join(tmpdir(), `crosstrust-security-findings-${name}.json`)
    writeFileSync(report, JSON.stringify(allFindings, null, 2))
    process.stdout.write(
      `\nsecurity (${name}): ${tally.fuzzed} requests fuzzed, ${tally.routes} staff routes probed with ${tally.probes} ` +
        `requests, ${tally.rateLimited} rate limits burst, ${tally.logLines} log lines scanned for ` +
        `${tally.secrets} secrets, ${allFindings.length} findings` +
        (allFindings.length > 0 ? ` (details: ${report})` : '') +
        '\n',
    )
  })
}

export async function pool<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T
        await run(item)
      }
    }),
  )
}

export const send = (req: RawRequest): Promise<RawResponse> => rawRequest(port, req)

/** A request that gets no answer at all (hang, reset) is a finding, not a crash of the run. */
export async function sendOrRecord(label: string, req: RawRequest): Promise<RawResponse> {
  try {
    return await send(req)
  } catch (error) {
    const res = { status: 0, headers: {}, setCookies: [], rawHead: '', body: '' }
    findings.add(label, `no answer: ${error instanceof Error ? error.message : String(error)}`, res)
    return res
  }
}

export function expectNoFindings(): void {
  expect(findings.list, JSON.stringify(findings.list.slice(0, 20), null, 2)).toEqual([])
}

/**
 * Every remembered secret (and a JWT's signature alone) searched for in every log line the API and the
 * worker wrote; each leak is recorded as a finding and returned as "<kind>: <line>".
 */
export function findLogLeaks(): string[] {
  const joined = logLines.join('')
  const leaks: string[] = []
  for (const [value, kind] of secrets) {
    // A JWT's signature alone is as good as a leak of the whole token's integrity proof.
    const parts = value.split('.')
    const needles = parts.length === 3 && (parts[2]?.length ?? 0) >= 16 ? [value, parts[2] ?? ''] : [value]
    for (const needle of needles) {
      const at = joined.indexOf(needle)
      if (at >= 0) {
        const line = joined.slice(joined.lastIndexOf('\n', at) + 1, joined.indexOf('\n', at))
        leaks.push(`${kind}: ${line.slice(0, 300)}`)
        break
      }
    }
  }
  for (const l of leaks) findings.add('logs', l, { status: 0 })
  tally.logLines = logLines.length
  tally.secrets = secrets.size
  return leaks
}
