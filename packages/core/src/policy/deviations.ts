import type { PolicyField } from './types.ts'
import { normaliseObserved } from './compare.ts'
import { canonicalEquals } from '../canonical-json.ts'

/** Staff accepted a specific field difference, with a reason and an owner, until `expiresAt`. */
export interface AcceptedDeviation {
  id: string
  path: string
  /**
   * When present (including `null`), the deviation covers only this observed value; a different value is
   * drift again. When absent, any value of the field is accepted.
   */
  acceptedValue?: unknown
  expiresAt: Date
  reason?: string
  owner?: string
}

export interface AppliedDeviation {
  deviationId: string
  expiresAt: Date
}

export function isDeviationActive(deviation: AcceptedDeviation, now: Date): boolean {
  return now.getTime() < deviation.expiresAt.getTime()
}

/** The active deviation covering this field's observed value, if any (latest expiry wins). */
export function findAcceptedDeviation(
  field: PolicyField,
  observed: unknown,
  deviations: readonly AcceptedDeviation[],
  now: Date,
): AppliedDeviation | null {
  const matching = deviations
    .filter((deviation) => deviation.path === field.path && isDeviationActive(deviation, now))
    .filter(
      (deviation) =>
        !('acceptedValue' in deviation) ||
        canonicalEquals(
          normaliseObserved(field, deviation.acceptedValue),
          normaliseObserved(field, observed),
        ),
    )
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())
  const best = matching[0]
  return best === undefined ? null : { deviationId: best.id, expiresAt: best.expiresAt }
}
