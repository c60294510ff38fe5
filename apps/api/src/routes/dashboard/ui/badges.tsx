// State badges with plain-language labels, and times that keep the exact timestamp one hover away.
import { COMPLIANCE_LABELS, ONBOARDING_LABELS, exactTime, relativeTime, type Tone } from '../format.ts'

const ONBOARDING_TONES: Record<string, Tone> = {
  onboarded: 'ok',
  failed: 'bad',
  offboarding: 'warn',
  offboarded: 'neutral',
  not_started: 'neutral',
  awaiting_confirmation: 'warn',
}

const COMPLIANCE_TONES: Record<string, Tone> = {
  compliant: 'ok',
  drifted: 'warn',
  unknown: 'neutral',
  access_lost: 'bad',
  removed_by_customer: 'bad',
  pending: 'neutral',
  offboarded: 'neutral',
}

export function Badge(props: { label: string; tone: Tone; title?: string | undefined }) {
  return (
    <span class={`badge ${props.tone === 'neutral' ? '' : props.tone}`} title={props.title || undefined}>
      {props.label}
    </span>
  )
}

export function OnboardingBadge({ state }: { state: string }) {
  return (
    <span class={`badge ${ONBOARDING_TONES[state] ?? 'info'}`} data-onboarding={state}>
      {ONBOARDING_LABELS[state] ?? state}
    </span>
  )
}

export function ComplianceBadge({ state }: { state: string }) {
  return (
    <span class={`badge ${COMPLIANCE_TONES[state] ?? ''}`} data-compliance={state}>
      {COMPLIANCE_LABELS[state] ?? state}
    </span>
  )
}

function asDate(date: Date | string | null | undefined): Date | null {
  if (date === null || date === undefined) return null
  const d = typeof date === 'string' ? new Date(date) : date
  return Number.isNaN(d.getTime()) ? null : d
}

/** Relative time with the exact timestamp in `datetime` and `title` (hover, screen readers via title). */
export function TimeAgo(props: { at: Date | string | null | undefined; now: Date; empty?: string }) {
  const d = asDate(props.at)
  if (d === null) return <span class="muted">{props.empty ?? '—'}</span>
  return (
    <time datetime={d.toISOString()} title={exactTime(d)}>
      {relativeTime(d, props.now)}
    </time>
  )
}

/** Exact time in the cell, for logs (audit, runs) where the order and precision matter. */
export function TimeExact(props: { at: Date | string | null | undefined; now: Date }) {
  const d = asDate(props.at)
  if (d === null) return <span class="muted">—</span>
  return (
    <time datetime={d.toISOString()} title={relativeTime(d, props.now)}>
      {d.toISOString().slice(0, 16).replace('T', ' ')}
    </time>
  )
}
