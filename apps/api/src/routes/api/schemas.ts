// Response and parameter schemas shared by the staff JSON API routes (validation and the OpenAPI document
// both come from these). Response objects strip unknown keys, a last guard against leaking a column.
import { MONITORING_MODES, ONBOARDING_STEPS, STEP_STATUSES } from '@crosstrust/core'
import {
  COMPLIANCE_STATE_VALUES,
  ONBOARDING_STATE_VALUES,
  RUN_KINDS,
  RUN_OUTCOMES,
} from '@crosstrust/services'
import { ATTRIBUTION_SUBJECTS, CUSTOMER_STATUSES, TRUST_VERDICTS } from '@crosstrust/core'
import { z } from 'zod'

export const idParams = z.object({ id: z.uuid() })

const nullableDate = z.date().nullable()
const mode = z.enum(MONITORING_MODES).nullable()
const stepName = z.enum(ONBOARDING_STEPS)
const stepStatus = z.enum(STEP_STATUSES)
const column = z.enum(['Configured', 'Inherited from default', 'Not added'])

/** RFC 9457 problem details (the error handler adds `code`, `errors`, `requestId` and extensions). */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().optional(),
})

const problemAnswers = {
  400: 'Invalid input (problem+json); nothing changed',
  401: 'Missing or invalid bearer token',
  403: 'Role too low for this route',
  404: 'No such resource',
  409: 'Conflicts with the current state; nothing changed',
  422: 'Well-formed but not acceptable',
  503: 'This deployment is not configured for it',
} as const

/** The problems a route may answer besides 401 and 403, which the route policy can give on any route. */
export type RouteProblem = 400 | 404 | 409 | 422 | 503

/**
 * A route's response schemas: its own answers plus the problem+json ones it can give (documentation for
 * OpenAPI; the error handler produces them). Each route names only the problems particular to it.
 */
export function withProblems<Answers extends Record<number, z.ZodType>, Problem extends RouteProblem = never>(
  answers: Answers,
  problems: readonly Problem[] = [],
): Answers & Record<Problem | 401 | 403, typeof problemSchema> {
  const statuses = [401, 403, ...problems] as const
  const documented = Object.fromEntries(
    statuses.map((status) => [status, problemSchema.describe(problemAnswers[status])]),
  ) as Record<Problem | 401 | 403, typeof problemSchema>
  return { ...answers, ...documented }
}

export const verificationSchema = z
  .object({ inboundAccess: column, outboundAccess: column, tenantRestrictions: column })
  .nullable()
  .describe(
    "The partner entry as the customer's Entra admin center lists it (Organizational settings), as last observed",
  )

/** Effective trust (docs/effective-trust.md) as the last check evaluated it; null before the first. */
export const trustSummarySchema = z
  .object({
    verdict: z.enum(TRUST_VERDICTS),
    reason: z.string(),
    fix: z.string().nullable(),
    evaluatedAt: z.date(),
  })
  .nullable()
  .describe(
    "Will the partner's operators stop being prompted? effective, partly, no_effect, blocked, unknown",
  )

/** The customer status in Microsoft 365 Lighthouse's vocabulary, with its reason and plain fix. */
export const customerStatusSchema = z
  .object({
    code: z.enum(CUSTOMER_STATUSES),
    label: z.string(),
    reason: z.string(),
    fix: z.string().nullable(),
  })
  .describe('Pending, Managed, Access needed, Removed by customer, Removed by partner or Error')

export const customerRowSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  tenantId: z.string().nullable(),
  tenantDisplayName: z.string().nullable(),
  expectedTenantId: z.string().nullable(),
  expectedDomain: z.string().nullable(),
  verifiedDomains: z.array(z.string()),
  onboardingState: z.enum(ONBOARDING_STATE_VALUES),
  complianceState: z.enum(COMPLIANCE_STATE_VALUES),
  complianceChangedAt: nullableDate,
  mode,
  lastCheckAt: nullableDate,
  nextCheckAt: nullableDate,
  lastFailureReason: z.string().nullable(),
  createdAt: z.date(),
  verification: verificationSchema,
  currentStep: z
    .object({
      step: stepName,
      status: stepStatus,
      message: z.string().nullable(),
      since: nullableDate,
      attempts: z.number().int(),
    })
    .nullable(),
  trust: trustSummarySchema,
  status: customerStatusSchema,
})

export const customerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  notes: z.string().nullable(),
  contacts: z.unknown(),
  expectedTenantId: z.string().nullable(),
  expectedDomain: z.string().nullable(),
  tenantId: z.string().nullable(),
  consentedTenantId: z.string().nullable(),
  confirmedTenantId: z.string().nullable(),
  tenantConfirmedBy: z.string().nullable(),
  tenantConfirmedAt: nullableDate,
  tenantDisplayName: z.string().nullable(),
  verifiedDomains: z.array(z.string()),
  licence: z.enum(['none', 'p1', 'p2', 'unknown']),
  onboardingState: z.enum(ONBOARDING_STATE_VALUES),
  complianceState: z.enum(COMPLIANCE_STATE_VALUES),
  complianceChangedAt: nullableDate,
  mode,
  checkIntervalSeconds: z.number().int().nullable(),
  nextCheckAt: nullableDate,
  lastCheckAt: nullableDate,
  consecutiveFailures: z.number().int(),
  backoffUntil: nullableDate,
  lastFailureReason: z.string().nullable(),
  compliantPolicyVersion: z.number().int().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  offboardedAt: nullableDate,
})

/**
 * Who made the drift (or the default-policy change) a run found, from the tenant's directory audit log
 * (docs/attribution.md).
 */
export const attributionSchema = z.object({
  subject: z.enum(ATTRIBUTION_SUBJECTS),
  status: z.enum(['pending', 'found', 'not_found', 'not_enabled', 'failed']),
  sentences: z.array(z.string()),
  entries: z.array(
    z.object({
      auditId: z.string(),
      activity: z.string(),
      activityDateTime: z.string(),
      actor: z.object({
        type: z.enum(['user', 'app']),
        userPrincipalName: z.string().optional(),
        displayName: z.string().optional(),
        appId: z.string().optional(),
        servicePrincipalId: z.string().optional(),
      }),
      ours: z.boolean(),
      modifiedProperties: z.array(
        z.object({ name: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable() }),
      ),
    }),
  ),
  windowStart: z.date(),
  windowEnd: z.date(),
  lookups: z.number().int(),
  nextLookupAt: nullableDate,
  errorMessage: z.string().nullable(),
})

export const runSummarySchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  kind: z.enum(RUN_KINDS),
  trigger: z.enum(['schedule', 'staff', 'onboarding', 'rollout', 'system']),
  outcome: z.enum(RUN_OUTCOMES).nullable(),
  policyVersion: z.number().int().nullable(),
  diff: z.unknown(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  graphRequestId: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  startedAt: z.date(),
  finishedAt: nullableDate,
  actor: z.string().nullable(),
  attribution: attributionSchema.nullable(),
})

export const runDetailSchema = runSummarySchema.extend({
  observedSnapshot: z.unknown(),
  observedHash: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
})

export const auditEventSchema = z.object({
  id: z.string(),
  at: z.date(),
  actorType: z.enum(['staff', 'system', 'customer_admin']),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  customerId: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
})

/** `GET /api/v1/audit/verify?anchor=<seq>:<hash>`: a head recorded earlier, outside the database. */
export const auditVerifyQuerySchema = z.strictObject({
  anchor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}:[0-9a-f]{64}$/, 'anchor must be <position>:<64 hex characters>')
    .optional(),
})

/** `GET /api/v1/audit/verify`: the audit hash chain is intact (with its head), or its first broken link. */
export const auditChainVerificationSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    count: z.number().int(),
    headSeq: z.string().nullable(),
    headHash: z.string(),
  }),
  z.object({
    ok: z.literal(false),
    count: z.number().int(),
    break: z.object({
      kind: z.enum(['content_changed', 'row_missing', 'row_inserted', 'link_broken', 'anchor_mismatch']),
      seq: z.string(),
      id: z.string().nullable(),
      expected: z.string(),
      found: z.string(),
      message: z.string(),
    }),
  }),
])

export const consentLinkSchema = z.object({
  id: z.uuid(),
  status: z.enum(['open', 'used', 'revoked', 'expired']),
  createdAt: z.date(),
  expiresAt: z.date(),
  usedAt: nullableDate,
  revokedAt: nullableDate,
  createdBy: z.string().nullable(),
  delivery: z.enum(['staff', 'email']),
})

export const deviationSchema = z.object({
  id: z.uuid(),
  field: z.string(),
  acceptedValue: z.unknown(),
  reason: z.string(),
  owner: z.string(),
  expiresAt: z.date(),
  createdBy: z.string(),
  createdAt: z.date(),
})

export const stepSchema = z.object({
  step: stepName,
  status: stepStatus,
  attempts: z.number().int(),
  message: z.string().nullable(),
  startedAt: nullableDate,
  finishedAt: nullableDate,
  updatedAt: z.date(),
})

export const queuedActionSchema = z.object({
  customerId: z.uuid(),
  queued: z.enum(['check', 'apply', 'offboard']).nullable(),
  requestedAt: z.string(),
})

/** A page of a keyset-paginated list: pass `nextCursor` back as `cursor`; null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

/** Routes that take no body refuse one that carries anything (bad input changes nothing, loudly). */
export const emptyBody = z.object({}).strict().nullish()
