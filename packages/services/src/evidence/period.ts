import { z } from 'zod'
import { parseOrThrow } from '../validation.ts'

/** The longest period one pack or report covers: a year and a day (an annual audit with its margin). */
export const MAX_PERIOD_DAYS = 366
const DEFAULT_PERIOD_DAYS = 30
const DAY_MS = 86_400_000

/** `from` and `to` as ISO dates (`2026-11-01`, read as 00:00 UTC) or date-times with an offset. */
const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .describe('ISO date or date-time (UTC if a date)')

export const periodQuerySchema = z.object({
  from: instant
    .optional()
    .describe(`Start of the period (default: ${String(DEFAULT_PERIOD_DAYS)} days before to)`),
  to: instant.optional().describe('End of the period (default: now)'),
})

export type PeriodQuery = z.infer<typeof periodQuerySchema>

export interface Period {
  from: Date
  to: Date
}

const refined = periodQuerySchema.superRefine((q, ctx) => {
  if (q.from !== undefined && q.to !== undefined) {
    const span = new Date(q.to).getTime() - new Date(q.from).getTime()
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' })
    if (span > MAX_PERIOD_DAYS * DAY_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `the period may span at most ${String(MAX_PERIOD_DAYS)} days`,
      })
    }
  }
})

/** Validates a period; missing ends default to the last 30 days up to now. */
export function resolvePeriod(query: unknown, now: Date): Period {
  const q = parseOrThrow(refined, query, 'period')
  const to = q.to === undefined ? now : new Date(q.to)
  const from = q.from === undefined ? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS) : new Date(q.from)
  // The defaults are checked like given ends: a `from` after now without a `to` is refused too.
  parseOrThrow(refined, { from: from.toISOString(), to: to.toISOString() }, 'period')
  return { from, to }
}
