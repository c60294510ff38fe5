// Prisma error codes the services branch on. Unique violations are expected, not exceptional: they are
// how single-use consent states, notification de-duplication and "one step per customer" are enforced.
import { Prisma } from './generated/prisma/client.ts'

/** P2002: a unique constraint rejected the write. `fields` narrows it to one constraint's columns. */
export function isUniqueViolation(error: unknown, fields?: readonly string[]): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false
  if (!fields) return true
  const target = uniqueTarget(error)
  return fields.every((field) => target.includes(field))
}

/** P2025: update/delete by a unique key (e.g. `where: { id, version }`) matched no row. */
export function isRecordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025'
}

// With driver adapters the violated columns arrive in meta.driverAdapterError; classic engines use
// meta.target. Accept either, as column or field names.
function uniqueTarget(error: Prisma.PrismaClientKnownRequestError): string[] {
  const meta = error.meta ?? {}
  if (Array.isArray(meta.target)) return meta.target.map(String)
  const cause = (meta.driverAdapterError as { cause?: { constraint?: { fields?: unknown } } } | undefined)
    ?.cause
  const fields = cause?.constraint?.fields
  return Array.isArray(fields) ? fields.map(String) : []
}

/**
 * Failures of our own database that pass, so the work is worth retrying later rather than failing:
 * P2028 (an interactive transaction could not start in time or expired, e.g. while it waited for the audit
 * chain's lock), P2034 (a write conflict or deadlock), P2037 (too many connections), P2024 (no pooled
 * connection in time), P1001/P1002/P1008/P1017 (the server was unreachable, timed out or closed the
 * connection) — https://www.prisma.io/docs/orm/reference/error-reference — plus the same kinds as SQLSTATEs
 * through the driver adapter, and node-postgres's own pool and connection errors, which carry no code.
 */
const TRANSIENT_CODES = new Set(['P2024', 'P2028', 'P2034', 'P2037', 'P1001', 'P1002', 'P1008', 'P1017'])
/** Serialization failure, deadlock, lock timeout, too many connections, admin shutdown, connection loss. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '53300', '57P01', '08006', '08003', '08001'])
/** node-postgres: the pool's connection timeout, and a connection the server or network dropped. */
const TRANSIENT_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i]

export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (TRANSIENT_CODES.has(error.code)) return true
    const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: unknown } } | undefined)
      ?.cause
    return typeof cause?.originalCode === 'string' && TRANSIENT_SQLSTATES.has(cause.originalCode)
  }
  if (error instanceof Prisma.PrismaClientInitializationError) return true
  if (error instanceof Prisma.PrismaClientUnknownRequestError || error instanceof Error)
    return TRANSIENT_MESSAGES.some((pattern) => pattern.test(error.message))
  return false
}
