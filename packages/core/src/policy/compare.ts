import type { PolicyField } from './types.ts'
import { isRecord } from './paths.ts'
import { canonicalEquals } from '../canonical-json.ts'

interface NormalisedAccess {
  accessType: string
  targets: { target: string; targetType: string }[]
}

/**
 * Graph keywords (`AllUsers`) and GUIDs may come back in any case and targets in any order, so an access
 * setting is normalised to lower case with targets deduplicated and sorted. Returns `undefined` when the
 * value is not shaped like an access setting at all.
 */
export function normaliseAccessSetting(value: unknown): NormalisedAccess | undefined {
  if (!isRecord(value)) return undefined
  const { accessType, targets } = value
  if (typeof accessType !== 'string' || !Array.isArray(targets)) return undefined
  const seen = new Map<string, { target: string; targetType: string }>()
  for (const item of targets) {
    if (!isRecord(item) || typeof item.target !== 'string' || typeof item.targetType !== 'string')
      return undefined
    const normalised = { target: item.target.toLowerCase(), targetType: item.targetType.toLowerCase() }
    seen.set(`${normalised.targetType}|${normalised.target}`, normalised)
  }
  const sorted = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t)
  return { accessType: accessType.toLowerCase(), targets: sorted }
}

/** The observed value as stored in snapshots and compared against deviations: absent reads as null. */
export function normaliseObserved(field: PolicyField, observed: unknown): unknown {
  if (observed === undefined || observed === null) return null
  if (field.comparator === 'access_setting') return normaliseAccessSetting(observed) ?? observed
  return observed
}

/** Whether the observed value satisfies the field. `undefined` (member absent) counts as `null`. */
export function fieldMatches(field: PolicyField, observed: unknown): boolean {
  switch (field.comparator) {
    case 'exact_boolean':
      return observed === field.desired
    case 'inherited':
      return observed === null || observed === undefined
    case 'false_or_null':
      return observed === false || observed === null || observed === undefined
    case 'access_setting': {
      const normalised = normaliseAccessSetting(observed)
      return normalised !== undefined && canonicalEquals(normalised, normaliseAccessSetting(field.desired))
    }
  }
}
