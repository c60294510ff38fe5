import type { PolicyDefinition } from './types.ts'
import { normaliseObserved } from './compare.ts'
import { readPath } from './paths.ts'
import { canonicalJson, sha256Hex } from '../canonical-json.ts'

/** Owned fields only, normalised (case, target order); `null` when the entry does not exist (404). */
export type OwnedSnapshot = Record<string, unknown> | null

// Runs store the observed snapshot only when its hash changes, so identical checks stay compact and a
// reordering of targets or a new Graph property does not look like a change.
export function snapshotOwnedFields(definition: PolicyDefinition, observed: unknown): OwnedSnapshot {
  if (observed === null || observed === undefined) return null
  const snapshot: Record<string, unknown> = {}
  for (const field of definition.fields)
    snapshot[field.path] = normaliseObserved(field, readPath(observed, field.path))
  return snapshot
}

/** Stable sha256 (hex) of the canonical JSON of a snapshot. */
export function hashSnapshot(snapshot: OwnedSnapshot): string {
  return sha256Hex(canonicalJson(snapshot))
}
