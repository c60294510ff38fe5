// The two JSON columns a customer page reads, the latest check's diff and the last observed snapshot, as
// typed views. They are written by core's `compactDiff` and `snapshotOwnedFields` only; reading them back
// through a schema keeps the apps free of guesses about their shape.
import type { EvaluationStatus, FieldResult, RemovalKind } from '@crosstrust/core'
import { z } from 'zod'

/** A value as JSON keeps it (a stored desired or observed value of a policy field, an audit record). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key in string]?: JsonValue }

/** One owned field that differs from the policy, as the latest check left it. */
export interface DiffFieldView extends Pick<FieldResult, 'path' | 'label' | 'remediation' | 'drift'> {
  desired: JsonValue
  observed: JsonValue
  /** The accepted deviation that covers the difference; null when it counts as drift. */
  accepted: { deviationId: string; expiresAt: Date } | null
}

/** The difference between the policy and the partner entry at the latest check; null when none. */
export interface PolicyDiffView {
  status: EvaluationStatus | 'access_lost'
  /** Why the entry or the access is gone (so a later run knows what was already told). */
  removalKind: RemovalKind | null
  fields: DiffFieldView[]
}

/** The owned fields as last observed, by the policy's dotted path (flat, normalised). */
export type ObservedFieldsView = Readonly<Record<string, JsonValue>>

const json = z.json() as z.ZodType<JsonValue>

const diffFieldSchema = z.object({
  path: z.string(),
  label: z.string().optional(),
  desired: json.optional(),
  observed: json.optional(),
  remediation: z.enum(['repairable', 'report_only']),
  accepted: z.object({ deviationId: z.string(), expiresAt: z.coerce.date() }).nullable().optional(),
  drift: z.boolean(),
})

const diffSchema = z.object({
  status: z.enum(['compliant', 'drifted', 'missing', 'access_lost']),
  removalKind: z.enum(['partner_entry_deleted', 'app_removed', 'consent_revoked']).nullish(),
  fields: z.array(z.unknown()),
})

/** The stored diff as a view; a field that does not read as one is left out, anything else is no diff. */
export function policyDiffView(stored: unknown): PolicyDiffView | null {
  const diff = diffSchema.safeParse(stored)
  if (!diff.success) return null
  return {
    status: diff.data.status,
    removalKind: diff.data.removalKind ?? null,
    fields: diff.data.fields.flatMap((raw) => {
      const field = diffFieldSchema.safeParse(raw)
      if (!field.success) return []
      const f = field.data
      return [
        {
          path: f.path,
          label: f.label ?? f.path,
          desired: f.desired ?? null,
          observed: f.observed ?? null,
          remediation: f.remediation,
          accepted: f.accepted ?? null,
          drift: f.drift,
        },
      ]
    }),
  }
}

const observedSchema = z.record(z.string(), json)

/** The stored snapshot as a view; null before the first observation (or after the entry was removed). */
export function observedFieldsView(stored: unknown): ObservedFieldsView | null {
  const observed = observedSchema.safeParse(stored)
  return observed.success ? observed.data : null
}
