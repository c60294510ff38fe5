import { isIP } from 'node:net'
import { z } from 'zod'

/**
 * Which proxies in front of the API may speak for the client in `X-Forwarded-For`, in the forms Fastify's
 * `trustProxy` accepts: `false` (nobody: the TCP peer is the client), a number of hops, or the proxies'
 * addresses. Trusting every hop (`true`) is refused: any client could then pick its own address, e.g. a
 * fresh one per request to escape the per-IP rate limits.
 */
export type TrustProxy = false | number | string[]

// proxy-addr's (and so Fastify's) names for private ranges.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

const FORMS =
  'set the number of proxies in front of the API (e.g. 1) or their addresses as a comma-separated ' +
  'list of IPs/CIDRs (e.g. 10.0.0.0/8,192.168.1.5); false (the default) trusts none'

function isAddressOrCidr(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true
  const [address = '', bits, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  if (!/^\d{1,3}$/.test(bits)) return false
  return Number(bits) <= (version === 4 ? 32 : 128)
}

export const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((raw, ctx): TrustProxy => {
    const value = raw.toLowerCase()
    if (value === 'false' || value === '0') return false
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message: `true would trust every hop, so any client could choose its own address with X-Forwarded-For; ${FORMS}`,
      })
      return z.NEVER
    }
    if (/^\d+$/.test(value)) {
      const hops = Number(value)
      if (hops <= 16) return hops
      ctx.addIssue({ code: 'custom', message: `a hop count must be at most 16; ${FORMS}` })
      return z.NEVER
    }
    const entries = value.split(',').map((e) => e.trim())
    if (entries.length > 0 && entries.every(isAddressOrCidr)) return entries
    ctx.addIssue({ code: 'custom', message: `must be a hop count or IP/CIDR list; ${FORMS}` })
    return z.NEVER
  })
