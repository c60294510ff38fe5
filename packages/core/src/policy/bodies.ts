import type { PolicyDefinition, PolicyField } from './types.ts'
import type { FieldResult } from './evaluate.ts'
import { topLevelOf, writePath } from './paths.ts'

// Request bodies for Graph. Nested-object PATCH semantics are undocumented (merge or replace?), so every
// object we write carries every member we own; then the result is the same either way. `tenantId` is only
// sent on POST (it is the key) and `isServiceProvider` is never sent (app-only writes of it get 403).

function clone<T>(value: T): T {
  return structuredClone(value)
}

/** Repairable fields whose desired value is written (null/inherited ones stay out: absent = inherited). */
function writableFields(definition: PolicyDefinition): PolicyField[] {
  return definition.fields.filter((field) => field.remediation === 'repairable' && field.desired !== null)
}

/** Exact body for `POST /policies/crossTenantAccessPolicy/partners` when GET returned 404. */
export function buildCreateBody(
  definition: PolicyDefinition,
  partnerTenantId: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = { tenantId: partnerTenantId }
  for (const field of writableFields(definition)) writePath(body, field.path, clone(field.desired))
  return body
}

/**
 * Body for `PATCH /partners/{id}`: only the top-level objects holding a repairable, unaccepted difference,
 * each complete with every repairable member we own. A member covered by an accepted deviation keeps its
 * observed value so the repair does not undo what staff accepted. Returns `null` when nothing is to repair.
 */
export function buildPatchBody(
  definition: PolicyDefinition,
  diff: { fields: readonly FieldResult[] },
): Record<string, unknown> | null {
  const resultByPath = new Map(diff.fields.map((result) => [result.path, result]))
  const driftedTops = new Set(
    diff.fields
      .filter((result) => result.remediation === 'repairable' && !result.ok && result.accepted === null)
      .map((result) => topLevelOf(result.path)),
  )
  if (driftedTops.size === 0) return null
  const body: Record<string, unknown> = {}
  for (const field of definition.fields) {
    const top = topLevelOf(field.path)
    if (field.remediation !== 'repairable' || !driftedTops.has(top)) continue
    const result = resultByPath.get(field.path)
    const value = result?.accepted != null ? result.observed : field.desired
    if (field.desired === null && top === field.path) {
      // Resetting to inherited: Graph's analogue of the portal's "Default settings" (UNCONFIRMED in v1.0 docs).
      body[top] = null
    } else {
      // A nested member whose desired value is null is written as an explicit null (not left out), so a
      // deep-merging Graph resets it too instead of keeping the stored value.
      writePath(body, field.path, clone(value))
    }
  }
  return body
}
