import { defaultPolicy, parsePolicyDefinition, type PolicyDefinition } from '@crosstrust/core'
import type { ServiceContext } from '../context.ts'
import { rolloutStatus, type RolloutProgress } from './rollout.ts'

export interface PolicyVersionSummary {
  version: number
  description: string
  publishedAt: Date | null
  publishedBy: string | null
  notes: string | null
}

export interface CurrentPolicyInfo extends PolicyVersionSummary {
  definition: PolicyDefinition
  /** Onboarded customers verified compliant with the current version. */
  compliantCustomers: number
  /** Onboarded customers not (yet) verified against it. */
  otherCustomers: number
  /** The latest rollout (running or finished), or null before the first publish. */
  rollout: RolloutProgress | null
}

/** The policy in force for the dashboard: version, who published it, adoption and the latest rollout. */
export async function currentPolicyVersion(ctx: ServiceContext): Promise<CurrentPolicyInfo> {
  const latest = await ctx.db.policyVersion.findFirst({ orderBy: { version: 'desc' } })
  const definition = latest ? parsePolicyDefinition(latest.definition) : defaultPolicy
  const [compliantCustomers, onboarded, rollout] = await Promise.all([
    ctx.db.customer.count({
      where: { onboardingState: 'onboarded', compliantPolicyVersion: { gte: definition.version } },
    }),
    ctx.db.customer.count({ where: { onboardingState: 'onboarded' } }),
    ctx.db.policyRollout.findFirst({ orderBy: { startedAt: 'desc' }, select: { id: true } }),
  ])
  return {
    version: definition.version,
    description: definition.description,
    publishedAt: latest?.publishedAt ?? null,
    publishedBy: latest?.publishedBy ?? null,
    notes: latest?.notes ?? null,
    definition,
    compliantCustomers,
    otherCustomers: onboarded - compliantCustomers,
    rollout: rollout ? await rolloutStatus(ctx, rollout.id) : null,
  }
}

/** Every published version, newest first (version 1 appears once something was published after it). */
export async function listPolicyVersions(ctx: Pick<ServiceContext, 'db'>): Promise<PolicyVersionSummary[]> {
  const rows = await ctx.db.policyVersion.findMany({ orderBy: { version: 'desc' } })
  if (rows.length === 0) {
    return [
      {
        version: defaultPolicy.version,
        description: defaultPolicy.description,
        publishedAt: null,
        publishedBy: null,
        notes: null,
      },
    ]
  }
  return rows.map((row) => ({
    version: row.version,
    description: parsePolicyDefinition(row.definition).description,
    publishedAt: row.publishedAt,
    publishedBy: row.publishedBy,
    notes: row.notes,
  }))
}
