// Next/previous over forward-only keyset cursors. The read-side queries return a `nextCursor`; to go back,
// the URL carries the cursors of the pages before the current one (`trail`), newest last. Bounded, so a
// very long walk forgets its oldest steps (Previous then ends at the first page early), never grows the URL.
import { z } from 'zod'

const MAX_TRAIL = 15
const cursorText = z.string().regex(/^[A-Za-z0-9_-]{1,1000}$/)

export interface PagePosition {
  cursor: string | undefined
  trail: string[]
}

export function pagePosition(query: unknown): PagePosition {
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>
  const cursor = cursorText.safeParse(q.cursor)
  const trail =
    typeof q.trail === 'string' ? q.trail.split('.').filter((c) => cursorText.safeParse(c).success) : []
  return cursor.success
    ? { cursor: cursor.data, trail: trail.slice(-MAX_TRAIL) }
    : { cursor: undefined, trail: [] }
}

/** Query parameters for the next page (null on the last page) and the previous one (null on the first). */
export function pageLinks(
  pos: PagePosition,
  nextCursor: string | null,
): { next: Record<string, string> | null; prev: Record<string, string> | null } {
  const next =
    nextCursor === null
      ? null
      : {
          cursor: nextCursor,
          ...(pos.cursor ? { trail: [...pos.trail, pos.cursor].slice(-MAX_TRAIL).join('.') } : {}),
        }
  if (pos.cursor === undefined) return { next, prev: null }
  const before = pos.trail.at(-1)
  const prev =
    before === undefined
      ? {}
      : { cursor: before, ...(pos.trail.length > 1 ? { trail: pos.trail.slice(0, -1).join('.') } : {}) }
  return { next, prev }
}

/** `base` with the given query parameters (empty values dropped). */
export function withQuery(base: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v)
  const s = search.toString()
  return s ? `${base}?${s}` : base
}
