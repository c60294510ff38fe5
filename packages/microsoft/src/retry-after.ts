// Parses the HTTP Retry-After header (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date.

/**
 * The longest wait we take from a Retry-After: the value is the answering side's to choose, and a tenant (or
 * anything between us and Microsoft) must not be able to park a customer's checks for years with one header.
 * Microsoft's own waits are seconds to minutes (https://learn.microsoft.com/graph/throttling).
 */
export const MAX_RETRY_AFTER_MS = 3_600_000

/**
 * Milliseconds to wait before retrying, or undefined when the header is absent or unreadable.
 * A date in the past gives 0. Fractional seconds are accepted (some proxies send them) and rounded up,
 * so we never retry earlier than asked. At most `MAX_RETRY_AFTER_MS`.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === '') return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(Number(trimmed) * 1000))
  // Only accept things that look like an HTTP-date: Date.parse alone would also take "1" or "2026".
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs))
}
