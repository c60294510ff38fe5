import { TRUST_VERDICTS } from '@crosstrust/core'
import { customerTrustDetail, requireCustomer } from '@crosstrust/services'
import { z } from 'zod'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { idParams, withProblems } from './schemas.ts'

const tags = ['customers']

const outcome = z.enum(['not_required', 'satisfied', 'conditional', 'prompted', 'blocked'])
const policyRef = z.object({ id: z.string(), displayName: z.string() })

const trustDetailSchema = z.object({
  trust: z
    .object({
      verdict: z.enum(TRUST_VERDICTS),
      reason: z.string(),
      fix: z.string().nullable(),
      evaluatedAt: z.date(),
      changedAt: z.date(),
      missingPermissions: z
        .array(z.string())
        .describe('Non-empty: re-consent needed (send a fresh consent link)'),
      requirements: z.array(
        z.object({
          requirement: z.enum(['mfa', 'compliant_device']),
          outcome,
          reason: z.string(),
          fix: z.string().nullable(),
          policies: z.array(policyRef),
        }),
      ),
      findings: z.array(
        z.object({
          code: z.string(),
          severity: z.enum(['info', 'warning', 'blocker']),
          reason: z.string(),
          fix: z.string().nullable(),
          policies: z.array(policyRef).optional(),
          permission: z.string().optional(),
        }),
      ),
    })
    .nullable()
    .describe('null until the first check after onboarding evaluated it'),
})

/** Effective trust of one customer (docs/effective-trust.md): verdict, reason, fix, requirements, findings. */
export function trustApiRoutes(r: StaffApi, { ctx }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/trust',
    {
      schema: {
        tags,
        summary: "Effective trust: will the partner's operators stop being prompted? (reasons and fixes)",
        params: idParams,
        response: withProblems({ 200: trustDetailSchema }, [400, 404]),
      },
    },
    async (request) => {
      await requireCustomer(ctx, request.params.id)
      return { trust: await customerTrustDetail(ctx.db, request.params.id) }
    },
  )
}
