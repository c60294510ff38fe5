// The policy page's view: the version in force in portal wording, its adoption and rollout in words, the
// version history, and (Admins only) the publish form with what was submitted after a refusal.
import type { PolicyDefinition } from '@crosstrust/core'
import type { CurrentPolicyInfo, PolicyVersionSummary } from '@crosstrust/services'
import { describeDesired } from '../../../html/policy-wording.ts'
import { fieldLabel, type Tone } from '../format.ts'

export interface Submitted {
  definition: string
  notes: string
  errors: string[]
}

export interface PolicyView {
  now: Date
  version: number
  publishedAt: Date | null
  publishedBy: string | null
  description: string
  notes: string | null
  adoption: { label: string; tone: Tone }
  rollout: { label: string; tone: Tone } | null
  fields: { label: string; desired: string; path: string; repairable: boolean }[]
  versions: PolicyVersionSummary[]
  /** Admins only: the form, prefilled with the version in force or what was submitted. */
  publish: { csrfToken: string | null; definition: string; notes: string; errors: string[] } | null
}

/** The definition as an Admin edits it: JSON without the version (assigned on publish). */
function editable(definition: PolicyDefinition): string {
  const { version: _version, ...rest } = definition
  return JSON.stringify(rest, null, 2)
}

export function presentPolicy(input: {
  current: CurrentPolicyInfo
  versions: PolicyVersionSummary[]
  submitted: Submitted | null
  partnerName: string
  publisher: { csrfToken: string | null } | null
  now: Date
}): PolicyView {
  const { current, submitted } = input
  const onboarded = current.compliantCustomers + current.otherCustomers
  const r = current.rollout
  return {
    now: input.now,
    version: current.version,
    publishedAt: current.publishedAt,
    publishedBy: current.publishedBy,
    description: current.description,
    notes: current.notes,
    adoption: {
      label: `${current.compliantCustomers.toLocaleString('en-US')} of ${onboarded.toLocaleString('en-US')} onboarded customers verified compliant`,
      tone: current.otherCustomers === 0 ? 'ok' : 'warn',
    },
    rollout: r
      ? {
          label: `Rollout of v${String(r.version)}: ${r.status}, ${String(r.percent)}% (${String(r.done)}/${String(r.total)}${r.failed > 0 ? `, ${String(r.failed)} failed` : ''})`,
          tone: r.status === 'completed' ? 'ok' : r.status === 'running' ? 'info' : 'neutral',
        }
      : null,
    fields: current.definition.fields.map((f) => ({
      label: fieldLabel(f.label),
      desired: describeDesired(f, input.partnerName),
      path: f.path,
      repairable: f.remediation === 'repairable',
    })),
    versions: input.versions,
    publish: input.publisher
      ? {
          csrfToken: input.publisher.csrfToken,
          definition: submitted?.definition ?? editable(current.definition),
          notes: submitted?.notes ?? '',
          errors: submitted?.errors ?? [],
        }
      : null,
  }
}
