// Shapes a customer's page from what the services return: which notice, which actions the signed-in person
// may take, each policy field's desired, observed and status, the run history in words. Pure: no request,
// no I/O, so every decision the page makes is unit-tested without HTTP.
import {
  expectedVerificationView,
  type OnboardingState,
  type PolicyDefinition,
  type PolicyField,
  type VerificationView,
} from '@crosstrust/core'
import type {
  CustomerDetail,
  DriftView,
  ObservedFieldsView,
  PendingTenantConfirmation,
  TrustDetail,
} from '@crosstrust/services'
import { describeDesired } from '../../../html/policy-wording.ts'
import { STEP_LABELS, describeValue, fieldLabel, modeLabel } from '../format.ts'
import type { StaffViewer } from '../ui/staff-page.tsx'

/**
 * Onboarding states in which nothing moves on its own (done, failed, or waiting for an Operator to confirm
 * the tenant); in any other the work is in progress and the page refreshes itself.
 */
const SETTLED_STATES: ReadonlySet<OnboardingState> = new Set([
  'onboarded',
  'failed',
  'offboarded',
  'awaiting_confirmation',
])

function describeObserved(field: PolicyField, observed: ObservedFieldsView): string {
  const value = observed[field.path] ?? null
  if (value === null && field.comparator === 'false_or_null') return 'Off (inherited)'
  return describeValue(value)
}

export type FieldStatus =
  | { kind: 'unchecked' }
  | { kind: 'accepted'; expiresAt: Date | null; owner: string | null }
  | { kind: 'differs'; repairable: boolean }
  | { kind: 'matches' }

export interface FieldRow {
  path: string
  label: string
  desired: string
  /** null before the first observation. */
  observed: string | null
  differs: boolean
  drifted: boolean
  repairable: boolean
  status: FieldStatus
}

export interface DeviationRow {
  id: string
  label: string
  acceptedValue: string
  reason: string
  owner: string
  expiresAt: Date
}

export type Problem =
  | { kind: 'onboarding_failed'; step: string | null; message: string }
  | { kind: 'access_lost'; reason: string }
  | { kind: 'removed_by_customer' }
  | { kind: 'unreadable'; reason: string }

export interface CustomerDetailView {
  detail: CustomerDetail
  viewer: StaffViewer
  now: Date
  partnerName: string
  defaultMode: string
  modeLabel: string
  /** Tenant ID when known (bound, or expected from creation). */
  tenant: string | null
  domains: string | null
  problem: Problem | null
  confirmation: PendingTenantConfirmation | null
  /** Onboarding in progress: the page refreshes itself. */
  waiting: boolean
  /** The effective-trust panel is shown once onboarded or once a verdict exists. */
  showTrust: boolean
  trust: TrustDetail | null
  /** Drifts the checks found and who made them; `canSwitch`: the viewer may turn attribution on or off. */
  drift: { enabled: boolean; items: DriftView[]; canSwitch: boolean }
  actions: {
    recheck: boolean
    apply: boolean
    consentLink: 'first' | 'again' | null
    mode: boolean
    offboard: boolean
  } | null
  policy: {
    version: number
    compliantWith: number | null
    expected: VerificationView
    fields: FieldRow[]
    deviations: DeviationRow[]
    /** Operators may accept and revoke deviations while the customer is not (being) offboarded. */
    manageDeviations: boolean
    everObserved: boolean
    firstDrifted: string | null
    expiry: { default: string; min: string; max: string }
  }
}

export interface CustomerDetailInput {
  detail: CustomerDetail
  policy: PolicyDefinition
  trust: TrustDetail | null
  drifts: { attributionEnabled: boolean; items: DriftView[] }
  pending: PendingTenantConfirmation | null
  viewer: StaffViewer
  partnerName: string
  defaultMode: 'report' | 'alert' | 'remediate'
  now: Date
}

function problemOf(d: CustomerDetail): Problem | null {
  const c = d.customer
  if (c.onboardingState === 'failed') {
    const failed = d.steps.find((s) => s.status === 'failed')
    return {
      kind: 'onboarding_failed',
      step: failed ? (STEP_LABELS[failed.step] ?? failed.step) : null,
      message: failed?.message ?? c.lastFailureReason ?? '',
    }
  }
  if (c.complianceState === 'access_lost')
    return {
      kind: 'access_lost',
      reason: c.lastFailureReason ?? 'Consent was revoked or the app was removed in the customer’s tenant.',
    }
  if (c.complianceState === 'removed_by_customer') return { kind: 'removed_by_customer' }
  if (c.complianceState === 'unknown' && c.lastFailureReason)
    return { kind: 'unreadable', reason: c.lastFailureReason }
  return null
}

const day = (now: Date, days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)

export function presentCustomerDetail(input: CustomerDetailInput): CustomerDetailView {
  const { detail: d, policy, viewer, now } = input
  const c = d.customer
  const state = c.onboardingState
  const onboarded = state === 'onboarded'
  const gone = state === 'offboarding' || state === 'offboarded'
  const domains =
    c.verifiedDomains.length > 0 ? c.verifiedDomains : c.expectedDomain ? [c.expectedDomain] : []
  const diff = new Map((d.currentDiff?.fields ?? []).map((e) => [e.path, e]))
  const deviationOf = new Map(d.activeDeviations.map((dv) => [dv.field, dv]))
  const observed = d.observed
  const everObserved = observed !== null
  const fields = policy.fields.map((f): FieldRow => {
    const entry = diff.get(f.path)
    const deviation = deviationOf.get(f.path)
    const repairable = f.remediation === 'repairable'
    let status: FieldStatus
    if (!everObserved) status = { kind: 'unchecked' }
    else if (entry !== undefined && entry.accepted !== null)
      status = {
        kind: 'accepted',
        expiresAt: deviation?.expiresAt ?? null,
        owner: deviation?.owner ?? null,
      }
    else if (entry) status = { kind: 'differs', repairable }
    else status = { kind: 'matches' }
    return {
      path: f.path,
      label: fieldLabel(f.label),
      desired: describeDesired(f, input.partnerName),
      observed: observed === null ? null : describeObserved(f, observed),
      differs: entry !== undefined && entry.accepted === null,
      drifted: entry?.drift === true,
      repairable,
      status,
    }
  })
  return {
    detail: d,
    viewer,
    now,
    partnerName: input.partnerName,
    defaultMode: input.defaultMode,
    modeLabel: modeLabel(c.mode, input.defaultMode),
    tenant: c.tenantId ?? c.expectedTenantId,
    domains:
      domains.length === 0
        ? null
        : `${domains.slice(0, 3).join(', ')}${domains.length > 3 ? ` +${String(domains.length - 3)}` : ''}`,
    problem: problemOf(d),
    confirmation: input.pending,
    waiting: !SETTLED_STATES.has(state),
    showTrust: onboarded || input.trust !== null,
    trust: input.trust,
    drift: {
      enabled: input.drifts.attributionEnabled,
      items: input.drifts.items,
      canSwitch: viewer.admin && state !== 'offboarded',
    },
    actions: viewer.operator
      ? {
          recheck: onboarded,
          apply: onboarded,
          consentLink: gone ? null : onboarded ? 'again' : 'first',
          mode: viewer.admin && state !== 'offboarded',
          offboard: viewer.admin && !gone,
        }
      : null,
    policy: {
      version: policy.version,
      compliantWith:
        c.complianceState === 'compliant' && c.compliantPolicyVersion ? c.compliantPolicyVersion : null,
      expected: expectedVerificationView(policy),
      fields,
      deviations: d.activeDeviations.map((dv) => {
        const f = policy.fields.find((x) => x.path === dv.field)
        return {
          id: dv.id,
          label: f ? fieldLabel(f.label) : dv.field,
          acceptedValue: describeValue(dv.acceptedValue),
          reason: dv.reason,
          owner: dv.owner,
          expiresAt: dv.expiresAt,
        }
      }),
      manageDeviations: viewer.operator && !gone,
      everObserved,
      firstDrifted: fields.find((f) => f.drifted)?.path ?? null,
      expiry: { default: day(now, 30), min: day(now, 1), max: day(now, 365) },
    },
  }
}
