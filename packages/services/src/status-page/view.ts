// What the customer's admin sees on their status page: only this customer's own partner configuration, its
// checks and their verdicts. No staff notes, contacts, accepted-deviation reasons or internal ids; the
// shapes below are the whole of it.
import {
  customerStatus,
  mayRemovePartnerConfiguration,
  type CustomerStatus,
  type RemovalPermission,
} from '@crosstrust/core'
import { z } from 'zod'
import { attributionView } from '../attribution/views.ts'
import type { ServiceContext } from '../context.ts'
import { currentPolicy } from '../policy-store.ts'
import { observedFieldsView, policyDiffView, type JsonValue } from '../staff/policy-diff-view.ts'
import type { StatusSession } from './session.ts'

export interface StatusSettingRow {
  label: string
  path: string
  expected: JsonValue
  /** As last observed; null when not read yet or the entry is gone. */
  observed: JsonValue | undefined
  matches: boolean | null
}

export interface StatusTrustFinding {
  severity: string
  reason: string
  fix: string | null
}

export interface StatusHistoryItem {
  at: Date
  what: string
  outcome: string | null
  /** Who changed the entry (drift attribution), when enabled and found. */
  attribution: string[]
}

export interface StatusPageView {
  customerName: string
  status: Pick<CustomerStatus, 'code' | 'label'>
  lastCheckAt: Date | null
  /** Does the tenant's partner entry match the policy at the last check (null: not checked yet). */
  matches: boolean | null
  settings: StatusSettingRow[]
  trust: {
    verdict: string
    reason: string
    fix: string | null
    evaluatedAt: Date
    findings: StatusTrustFinding[]
  } | null
  history: StatusHistoryItem[]
  /** Set once a removal was asked for: when it finished (null while running), by whom, and what became of the entry. */
  removal: {
    by: 'partner' | 'customer'
    admin: string | null
    removedAt: Date | null
    entry: RemovedEntry
  } | null
  /** Whether this signed-in admin may remove the configuration, and why not. */
  permission: RemovalPermission
  signedInAs: string
}

/**
 * What the removal did to our partner entry in the customer's tenant: `removing` while the job has not
 * finished, `gone` when it was deleted (or already absent) and read back as gone, `left_in_tenant` when our
 * access was lost before the job ran so it could not be deleted (the admin must delete it), `unknown` when no
 * offboard run records it.
 */
export type RemovedEntry = 'removing' | 'gone' | 'left_in_tenant' | 'unknown'

const offboardDiffSchema = z.object({
  deleteResult: z.enum(['deleted', 'absent', 'never_onboarded', 'access_lost']),
})

function removedEntry(removedAt: Date | null, offboardDiff: unknown): RemovedEntry {
  if (removedAt === null) return 'removing'
  const parsed = offboardDiffSchema.safeParse(offboardDiff)
  if (!parsed.success) return 'unknown'
  return parsed.data.deleteResult === 'access_lost' ? 'left_in_tenant' : 'gone'
}

const findingsSchema = z.object({
  findings: z
    .array(z.object({ severity: z.string(), reason: z.string(), fix: z.string().nullable().optional() }))
    .optional(),
})

const HISTORY_LIMIT = 25

const RUN_WORDS: Record<string, string> = {
  onboard: 'Partner configuration set up',
  apply: 'Policy applied',
  check: 'Checked',
  offboard: 'Partner configuration removed',
}

/** An offboard run that lost access did not remove anything: say so instead of "removed". */
function runWords(
  kind: string,
  outcome: string | null,
  diff: unknown,
): { what: string; outcome: string | null } {
  if (kind === 'offboard' && removedEntry(new Date(0), diff) === 'left_in_tenant')
    return { what: 'Monitoring stopped; the partner entry could not be deleted', outcome: 'access_lost' }
  return { what: RUN_WORDS[kind] ?? kind, outcome }
}

export async function statusPageView(ctx: ServiceContext, session: StatusSession): Promise<StatusPageView> {
  const customer = await ctx.db.customer.findUniqueOrThrow({
    where: { id: session.customerId },
    select: {
      name: true,
      onboardingState: true,
      complianceState: true,
      offboardedAt: true,
      offboardedBy: true,
      offboardedByAdmin: true,
      consecutiveFailures: true,
      lastFailureReason: true,
      lastCheckAt: true,
      currentDiff: true,
      lastObservedSnapshot: true,
      attributionEnabled: true,
      trust: true,
    },
  })
  const [policy, runs] = await Promise.all([
    currentPolicy(ctx.db),
    // Routine compliant checks are not history: only the changes (drift, repairs, setup, removal).
    ctx.db.checkRun.findMany({
      where: {
        customerId: session.customerId,
        OR: [{ kind: { not: 'check' } }, { outcome: { notIn: ['compliant', 'unknown'] } }],
      },
      orderBy: { startedAt: 'desc' },
      take: HISTORY_LIMIT,
      select: { kind: true, outcome: true, startedAt: true, finishedAt: true, attribution: true, diff: true },
    }),
  ])
  // The offboard run records whether our entry was really deleted; the history above may not reach it.
  const offboardRun =
    customer.offboardedAt === null
      ? null
      : await ctx.db.checkRun.findFirst({
          where: { customerId: session.customerId, kind: 'offboard' },
          orderBy: { startedAt: 'desc' },
          select: { diff: true },
        })
  const status = customerStatus({
    onboardingState: customer.onboardingState,
    complianceState: customer.complianceState,
    offboardedAt: customer.offboardedAt,
    offboardedBy: customer.offboardedBy,
    consecutiveFailures: customer.consecutiveFailures,
    lastFailureReason: customer.lastFailureReason,
    missingPermissions: customer.trust?.missingPermissions ?? [],
  })
  const removing = customer.onboardingState === 'offboarding' || customer.onboardingState === 'offboarded'
  const entry =
    removing || customer.offboardedAt !== null ? removedEntry(customer.offboardedAt, offboardRun?.diff) : null
  const observed = removing ? null : observedFieldsView(customer.lastObservedSnapshot)
  const diff = policyDiffView(customer.currentDiff)
  const checked = customer.lastCheckAt !== null && !removing
  const settings = policy.fields.map((field): StatusSettingRow => {
    const drift = diff?.fields.find((f) => f.path === field.path)
    return {
      label: field.label,
      path: field.path,
      expected: field.desired as JsonValue,
      observed: observed?.[field.path],
      matches: checked ? !(drift?.drift ?? false) && diff?.status !== 'missing' : null,
    }
  })
  const findings = findingsSchema.safeParse(customer.trust?.findings)
  return {
    customerName: customer.name,
    // "Removed…" would be untrue while our entry is still in their tenant.
    status: {
      code: status.code,
      label: entry === 'left_in_tenant' ? 'Monitoring stopped; partner entry not deleted' : status.label,
    },
    lastCheckAt: customer.lastCheckAt,
    matches: checked ? settings.every((s) => s.matches === true) : null,
    settings,
    trust:
      customer.trust && !removing
        ? {
            verdict: customer.trust.verdict,
            reason: customer.trust.reason,
            fix: customer.trust.fix,
            evaluatedAt: customer.trust.evaluatedAt,
            findings: (findings.success ? (findings.data.findings ?? []) : []).map((f) => ({
              severity: f.severity,
              reason: f.reason,
              fix: f.fix ?? null,
            })),
          }
        : null,
    history: runs.map((run) => ({
      at: run.finishedAt ?? run.startedAt,
      ...runWords(run.kind, run.outcome, run.diff),
      attribution:
        customer.attributionEnabled && run.attribution ? attributionView(run.attribution).sentences : [],
    })),
    removal:
      entry === null
        ? null
        : {
            by: customer.offboardedBy ?? 'partner',
            admin: customer.offboardedBy === 'customer' ? customer.offboardedByAdmin : null,
            removedAt: customer.offboardedAt,
            entry,
          },
    permission: mayRemovePartnerConfiguration(session.directoryRoles),
    signedInAs: session.username ?? session.name ?? session.oid,
  }
}
