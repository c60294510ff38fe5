import ipaddr from 'ipaddr.js'

// Which addresses a webhook may reach. A webhook URL is typed by an Admin, and the worker then makes an
// HTTP request to it from inside our network: without this rule a webhook is a server-side request
// forgery primitive (cloud metadata at 169.254.169.254, databases on 10/8, the worker's own loopback).
// Only global unicast addresses are reachable, unless the deployment opens a private network on purpose
// (`WEBHOOK_ALLOWED_PRIVATE_NETWORKS`). The same rule runs at registration (literal addresses, obviously
// internal names) and, as the real enforcement, on every address the worker actually connects to.

type Address = ipaddr.IPv4 | ipaddr.IPv6

/** Parsed `WEBHOOK_ALLOWED_PRIVATE_NETWORKS`: the private ranges a deployment opens on purpose. */
export interface AllowedNetworks {
  readonly ranges: readonly [Address, number][]
}

export const NO_PRIVATE_NETWORKS: AllowedNetworks = { ranges: [] }

/** Parses CIDR ranges (`10.20.0.0/16`, `127.0.0.1/32`, `fd00::/8`); throws naming the first bad one. */
export function parseAllowedNetworks(cidrs: readonly string[]): AllowedNetworks {
  return {
    ranges: cidrs.map((cidr) => {
      const trimmed = cidr.trim()
      if (!ipaddr.isValidCIDR(trimmed)) throw new Error(`not a CIDR range: ${trimmed}`)
      return ipaddr.parseCIDR(trimmed)
    }),
  }
}

const RANGE_LABELS: Record<string, string> = {
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private network',
  reserved: 'reserved range',
  uniqueLocal: 'unique-local',
  teredo: 'Teredo tunnel',
  discard: 'discard prefix',
  benchmarking: 'benchmarking range',
  deprecatedSiteLocal: 'site-local',
  deprecatedOrchid: 'reserved range',
  orchid2: 'reserved range',
  amt: 'reserved range',
  as112v6: 'reserved range',
  droneRemoteIdProtocolEntityTags: 'reserved range',
}

// Global unicast IPv6 is 2000::/3; anything outside it that ipaddr.js calls "unicast" is unassigned or the
// deprecated IPv4-compatible form (::7f00:1).
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3')
// RFC 8215 local-use NAT64: the embedded IPv4 address is not at a fixed place, and it is never public.
const LOCAL_USE_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48')

function inAllowed(address: Address, allowed: AllowedNetworks): boolean {
  return allowed.ranges.some(([net, bits]) => address.kind() === net.kind() && address.match(net, bits))
}

/** The IPv4 address an IPv6 one carries (mapped, translated, NAT64 or 6to4), or null. */
function embeddedV4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = address.range()
  const bytes = address.toByteArray()
  if (range === 'ipv4Mapped' || range === 'rfc6145') return address.toIPv4Address()
  if (range === 'rfc6052' && !address.match(LOCAL_USE_NAT64)) return new ipaddr.IPv4(bytes.slice(12, 16))
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6))
  return null
}

function refusalReason(address: Address, allowed: AllowedNetworks): string | null {
  if (inAllowed(address, allowed)) return null
  if (address.kind() === 'ipv4') {
    const range = address.range()
    return range === 'unicast' ? null : (RANGE_LABELS[range] ?? 'reserved range')
  }
  const v6 = address as ipaddr.IPv6
  const v4 = embeddedV4(v6)
  if (v4 !== null) {
    const inner = refusalReason(v4, allowed)
    return inner === null ? null : `embeds ${v4.toString()}, ${inner}`
  }
  const range = v6.range()
  if (range === 'rfc6052') return 'local-use NAT64'
  if (range === 'unicast') return v6.match(GLOBAL_UNICAST_V6) ? null : 'reserved range'
  return RANGE_LABELS[range] ?? 'reserved range'
}

/**
 * Null when a webhook may connect to `address` (an IP in any form ipaddr.js reads, including `0x7f.1` and
 * `2130706433`); otherwise the reason, e.g. "address 10.0.0.5 is not allowed (private network)". A string
 * that is no IP address is refused too: callers pass resolved or literal addresses only.
 */
export function addressRefusal(address: string, allowed: AllowedNetworks): string | null {
  const bare = address.replace(/^\[|\]$/g, '')
  if (!ipaddr.isValid(bare)) return `address ${bare} is not an IP address`
  const parsed = ipaddr.parse(bare)
  const reason = refusalReason(parsed, allowed)
  return reason === null ? null : `address ${parsed.toString()} is not allowed (${reason})`
}

/** Whether `hostname` (as `URL.hostname` gives it) is an IP literal rather than a name. */
export function isIpLiteral(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '')
  return bare.includes(':') ? ipaddr.IPv6.isValid(bare) : ipaddr.IPv4.isValidFourPartDecimal(bare)
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost')
}

function isLoopbackHost(host: string): boolean {
  if (isLoopbackName(host)) return true
  if (!isIpLiteral(host)) return false
  const parsed = ipaddr.process(host.replace(/^\[|\]$/g, ''))
  return parsed.range() === 'loopback'
}

// Names that only resolve inside some network: nobody outside can own them, so with no private network
// open they can only point somewhere internal (metadata.google.internal, a NAS on .local, a bare "redis").
const INTERNAL_SUFFIXES = ['.local', '.internal', '.localdomain', '.home.arpa', '.lan', '.intranet', '.corp']

/**
 * Why `raw` is not an acceptable webhook URL at registration, or null. Checks the form (absolute https
 * URL without credentials or fragment; http only for loopback, where nothing crosses a network), literal
 * addresses against the rule above, and obviously internal names. A public name can still resolve to a
 * private address later: the worker checks every address it connects to.
 */
export function webhookUrlProblem(
  raw: string,
  allowed: AllowedNetworks = NO_PRIVATE_NETWORKS,
): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute URL'
  }
  if (url.username !== '' || url.password !== '')
    return 'must not contain credentials; the signature authenticates us'
  if (url.hash !== '') return 'must not contain a #fragment'
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https'
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (url.protocol === 'http:' && !isLoopbackHost(host)) {
    return 'must use https (http is allowed only for loopback addresses)'
  }
  if (isIpLiteral(host)) {
    const refusal = addressRefusal(host, allowed)
    return refusal === null ? null : `${refusal}; only public addresses are allowed`
  }
  if (isLoopbackName(host)) {
    const open = addressRefusal('127.0.0.1', allowed) === null || addressRefusal('::1', allowed) === null
    return open ? null : `${host} is loopback, which is not allowed; only public addresses are allowed`
  }
  const internal = !host.includes('.') || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))
  if (internal && allowed.ranges.length === 0) {
    return `${host} is an internal name; only public hosts are allowed`
  }
  return null
}
