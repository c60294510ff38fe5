import type { PolicyDefinition, PolicyField, Remediation } from './types.ts'
import type { AcceptedDeviation, AppliedDeviation } from './deviations.ts'
import { findAcceptedDeviation } from './deviations.ts'
import { fieldMatches } from './compare.ts'
import { readPath } from './paths.ts'

export interface FieldResult {
  path: string
  label: string
  comparator: PolicyField['comparator']
  desired: unknown
  /** As read from Graph; an absent member is reported as `null` (inherited). */
  observed: unknown
  /** The observed value satisfies the policy. */
  ok: boolean
  remediation: Remediation
  /** The accepted deviation that covers this difference, or null. Never set when `ok`. */
  accepted: AppliedDeviation | null
  /** A difference that counts: not ok and not accepted. */
  drift: boolean
}

export type EvaluationStatus = 'compliant' | 'drifted' | 'missing'

export interface Evaluation {
  policyVersion: number
  status: EvaluationStatus
  fields: FieldResult[]
}

/**
 * Compares the partner entry read from Graph (`null` = 404) with the policy. Only owned fields are read;
 * `@odata.context`, `m365CollaborationInbound` and any property Graph adds later are ignored.
 * A missing entry is drift of every field; deviations do not cover it (the whole entry is gone).
 */
export function evaluatePartner(
  definition: PolicyDefinition,
  observed: unknown,
  deviations: readonly AcceptedDeviation[],
  now: Date,
): Evaluation {
  if (observed === null || observed === undefined) {
    const fields = definition.fields.map((field) => result(field, null, false, null))
    return { policyVersion: definition.version, status: 'missing', fields }
  }
  const fields = definition.fields.map((field) => {
    const value = readPath(observed, field.path) ?? null
    const ok = fieldMatches(field, value)
    return result(field, value, ok, ok ? null : findAcceptedDeviation(field, value, deviations, now))
  })
  const status = fields.some((field) => field.drift) ? 'drifted' : 'compliant'
  return { policyVersion: definition.version, status, fields }
}

function result(
  field: PolicyField,
  observed: unknown,
  ok: boolean,
  accepted: AppliedDeviation | null,
): FieldResult {
  return {
    path: field.path,
    label: field.label,
    comparator: field.comparator,
    desired: field.desired,
    observed,
    ok,
    remediation: field.remediation,
    accepted,
    drift: !ok && accepted === null,
  }
}

export function driftedFields(evaluation: Evaluation): FieldResult[] {
  return evaluation.fields.filter((field) => field.drift)
}

/** Whether a repair (PATCH/POST) has anything to do: some repairable field drifts. */
export function hasRepairableDrift(evaluation: Evaluation): boolean {
  return evaluation.fields.some((field) => field.drift && field.remediation === 'repairable')
}
