import { ONBOARDING_STATES } from '@crosstrust/core'
import { Prisma } from '@crosstrust/db'
import { z } from 'zod'
import { customerStatusCondition, customerStatusFilterSchema } from './customer-status.ts'
import { trustFilterCondition, trustFilterSchema } from './trust.ts'

// The staff list's filters (dashboard, JSON API, CLI, CSV) and their WHERE conditions on `customers`.

/** The onboarding states, as core defines them (the database enum mirrors them). */
export const ONBOARDING_STATE_VALUES = ONBOARDING_STATES
export const COMPLIANCE_STATE_VALUES = [
  'pending',
  'compliant',
  'drifted',
  'unknown',
  'access_lost',
  'removed_by_customer',
  'offboarded',
] as const
/** `default` = customers without their own mode (the global default applies). */
export const MODE_FILTER_VALUES = ['report', 'alert', 'remediate', 'default'] as const

export const customerFiltersSchema = z.object({
  onboardingState: z.enum(ONBOARDING_STATE_VALUES).optional(),
  complianceState: z.enum(COMPLIANCE_STATE_VALUES).optional(),
  mode: z.enum(MODE_FILTER_VALUES).optional(),
  /** Effective-trust verdict (`effective`, `partly`, `no_effect` or `no effect`, `blocked`, `unknown`). */
  trust: trustFilterSchema,
  /** Customer status (Lighthouse's vocabulary: `managed`, `access_needed`, …). */
  status: customerStatusFilterSchema,
  /** Free text: part of the name or expected domain, a verified domain, or a tenant/customer ID. */
  q: z.string().trim().max(200).optional(),
})
export type CustomerFilters = z.input<typeof customerFiltersSchema>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** WHERE conditions for the filters (each one served by an index: state/mode b-trees, trigram, GIN). */
export function filterConditions(filters: z.output<typeof customerFiltersSchema>): Prisma.Sql[] {
  const where: Prisma.Sql[] = []
  if (filters.onboardingState)
    where.push(Prisma.sql`onboarding_state = ${filters.onboardingState}::onboarding_state`)
  if (filters.complianceState)
    where.push(Prisma.sql`compliance_state = ${filters.complianceState}::compliance_state`)
  if (filters.mode === 'default') where.push(Prisma.sql`mode IS NULL`)
  else if (filters.mode) where.push(Prisma.sql`mode = ${filters.mode}::customer_mode`)
  const status = customerStatusCondition(filters.status)
  if (status) where.push(status)
  const trust = trustFilterCondition(filters.trust)
  if (trust) where.push(trust)
  const q = filters.q?.trim()
  if (q) {
    const like = `%${escapeLike(q)}%`
    const any: Prisma.Sql[] = [
      Prisma.sql`name ILIKE ${like}`,
      Prisma.sql`expected_domain ILIKE ${like}`,
      Prisma.sql`verified_domains @> ARRAY[${q.toLowerCase()}]::text[]`,
    ]
    if (UUID.test(q)) {
      const id = q.toLowerCase()
      any.push(
        Prisma.sql`tenant_id = ${id}::uuid`,
        Prisma.sql`expected_tenant_id = ${id}::uuid`,
        Prisma.sql`id = ${id}::uuid`,
      )
    }
    where.push(Prisma.sql`(${Prisma.join(any, ' OR ')})`)
  }
  return where
}
