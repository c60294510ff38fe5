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
