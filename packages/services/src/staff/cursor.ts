import { ValidationError } from '@crosstrust/core'
import { z } from 'zod'

// Keyset pagination cursors: opaque to clients (base64url JSON), validated on the way back in. A cursor
// names the sort it belongs to, so one minted for another sort or order is refused instead of skipping rows.

const cursorSchema = z.object({
  s: z.string().max(40),
  o: z.enum(['asc', 'desc']),
  v: z.union([z.string().max(400), z.null()]),
  id: z.string().max(64),
})
export type CursorPayload = z.infer<typeof cursorSchema>

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')
}

export function invalidCursor(message = 'The cursor is not valid; start from the first page.'): never {
  throw new ValidationError(message, [{ path: 'cursor', message }])
}

export function decodeCursor(raw: string, sort: string, order: 'asc' | 'desc'): CursorPayload {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    invalidCursor()
  }
  const result = cursorSchema.safeParse(parsed)
  if (!result.success) invalidCursor()
  if (result.data.s !== sort || result.data.o !== order) {
    invalidCursor('The cursor belongs to another sort order; start from the first page.')
  }
  return result.data
}

/** An ISO timestamp from a cursor, or a 400 when it is not one. */
export function cursorDate(value: string): Date {
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) invalidCursor()
  return date
}

/**
 * The position a cursor of a "newest first by a timestamp" list names: the timestamp and the id that breaks
 * ties. `validId` checks the id's shape (a UUID, a bigint) so a forged cursor is a 400, not a query error.
 */
export function decodeTimeCursor(
  raw: string,
  sort: string,
  validId: (id: string) => boolean,
): { at: Date; id: string } {
  const cursor = decodeCursor(raw, sort, 'desc')
  if (cursor.v === null || !validId(cursor.id)) invalidCursor()
  return { at: cursorDate(cursor.v), id: cursor.id }
}

/** The cursor of a "newest first by a timestamp" list at `at`/`id`; `decodeTimeCursor` reads it back. */
export function timeCursor(sort: string, at: Date, id: string | bigint): CursorPayload {
  return { s: sort, o: 'desc', v: at.toISOString(), id: id.toString() }
}

/**
 * One page of a keyset query that fetched `limit + 1` rows: the first `limit` rows, and the cursor of the
 * next page (minted from the page's last row) when the extra row shows there is one, else null.
 */
export function keysetPage<T>(
  rows: readonly T[],
  limit: number,
  cursorOf: (last: T) => CursorPayload,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null }
}

export const pageLimit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback)

export const cursorParam = z.string().min(1).max(1000).optional()
