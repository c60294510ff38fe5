import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { addressRefusal, isIpLiteral, parseAllowedNetworks, type AllowedNetworks } from '@crosstrust/core'

// The only code that sends webhook requests. The target rule (core `addressRefusal`) is enforced on the
// address actually connected to: the agents resolve names through `guardedLookup`, which refuses the
// connection when any resolved address is not allowed, so a name that passed registration and later
// resolves to 169.254.169.254 or 127.0.0.1 (DNS rebinding) gets no request. Node does not call `lookup`
// for IP literals, so those are checked before the request. Redirects are never followed (node:http does
// not follow them), and at most `maxResponseBytes` of an answer is read: staff see a status and a short
// reason, never the remote body, so a webhook cannot be used to read internal pages.

export interface WebhookAttempt {
  ok: boolean
  statusCode: number | null
  /** A short reason for staff ("HTTP 500", "connection refused", "redirect not followed"); null when ok. */
  error: string | null
  retryAfter: string | null
}

export interface WebhookTransport {
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<WebhookAttempt>
  close(): void
}

/** Resolves a host name to every address it has (the default is the system resolver, `dns.lookup`). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>

export interface WebhookTransportOptions {
  /** CIDR ranges from `WEBHOOK_ALLOWED_PRIVATE_NETWORKS`. */
  allowedPrivateNetworks: readonly string[]
  resolve?: ResolveHost
  /** Bytes of a response read before the stream is cut (default 4 KiB). */
  maxResponseBytes?: number
}

/** A refused target; its message is the reason shown to staff. */
export class WebhookTargetRefusedError extends Error {
  readonly code = 'EWEBHOOKTARGET'
  constructor(reason: string) {
    super(reason)
    this.name = 'WebhookTargetRefusedError'
  }
}

const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(err)
      else resolve(addresses)
    })
  })

export function guardedLookup(allowed: AllowedNetworks, resolve: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        // Any refused address refuses the host: the socket may try them in any order.
        for (const { address } of addresses) {
          const refusal = addressRefusal(address, allowed)
          if (refusal !== null) {
            callback(new WebhookTargetRefusedError(refusal), '', 0)
            return
          }
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses
        const first = usable[0]
        if (first === undefined) {
          const err: NodeJS.ErrnoException = new Error(`no address for ${hostname}`)
          err.code = 'ENOTFOUND'
          callback(err, '', 0)
        } else if (options.all === true) {
          callback(null, usable)
        } else {
          callback(null, first.address, first.family)
        }
      },
      (err: unknown) => {
        callback(err instanceof Error ? err : new Error(String(err)), '', 0)
      },
    )
  }
}

export function createWebhookTransport(options: WebhookTransportOptions): WebhookTransport {
  const allowed = parseAllowedNetworks(options.allowedPrivateNetworks)
  const lookup = guardedLookup(allowed, options.resolve ?? systemResolve)
  const maxResponseBytes = options.maxResponseBytes ?? 4096
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup }),
    'https:': new https.Agent({ keepAlive: true, lookup }),
  }

  return {
    async post(url, headers, body, timeoutMs) {
      const target = new URL(url)
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return failure('not an http(s) URL')
      }
      if (isIpLiteral(target.hostname)) {
        const refusal = addressRefusal(target.hostname, allowed)
        if (refusal !== null) return failure(refusal)
      }
      const client = target.protocol === 'https:' ? https : http
      return new Promise<WebhookAttempt>((resolve) => {
        let settled = false
        const settle = (attempt: WebhookAttempt) => {
          if (settled) return
          settled = true
          resolve(attempt)
        }
        const request = client.request(
          target,
          {
            method: 'POST',
            agent: agents[target.protocol as 'http:' | 'https:'],
            lookup,
            headers: {
              ...headers,
              'content-length': String(Buffer.byteLength(body)),
              'user-agent': 'Crosstrust-Webhooks/1',
            },
            signal: AbortSignal.timeout(timeoutMs),
          },
          (response) => {
            const status = response.statusCode ?? 0
            const retryAfter = response.headers['retry-after'] ?? null
            const attempt: WebhookAttempt =
              status >= 200 && status < 300
                ? { ok: true, statusCode: status, error: null, retryAfter }
                : {
                    ok: false,
                    statusCode: status,
                    error:
                      status >= 300 && status < 400
                        ? `redirect not followed (HTTP ${status})`
                        : `HTTP ${status}`,
                    retryAfter,
                  }
            // Drain a little so a keep-alive connection can be reused; cut anything longer. The bytes are
            // discarded either way.
            let read = 0
            response.on('data', (chunk: Buffer) => {
              read += chunk.length
              if (read > maxResponseBytes) response.destroy()
            })
            response.on('error', () => {
              settle(attempt)
            })
            response.on('close', () => {
              settle(attempt)
            })
          },
        )
        request.on('error', (err) => {
          settle(failure(describeNetworkError(err)))
        })
        request.end(body)
      })
    },
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}

function failure(error: string): WebhookAttempt {
  return { ok: false, statusCode: null, error, retryAfter: null }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (temporary DNS failure)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPROTO: 'TLS handshake failed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not trusted',
}

/** A network failure in words, without the URL (Teams/Slack URLs are credentials). */
function describeNetworkError(err: unknown): string {
  if (err instanceof WebhookTargetRefusedError) return err.message
  // An aborted or timed-out fetch rejects with a DOMException, told apart only by its `name`.
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out'
  const code = (err as NodeJS.ErrnoException | null)?.code
  if (typeof code !== 'string') return 'network error'
  return (
    NETWORK_REASONS[code] ?? (/^[A-Z0-9_]{1,40}$/.test(code) ? `network error (${code})` : 'network error')
  )
}
