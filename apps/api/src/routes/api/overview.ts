import { MAX_ATTENTION_ITEMS } from '@crosstrust/services'
import { z } from 'zod'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { withProblems } from './schemas.ts'

const counts = z.record(z.string(), z.number().int())

const meSchema = z.object({
  oid: z.string(),
  tenantId: z.string(),
  name: z.string(),
  username: z.string(),
  roles: z.array(z.enum(['Viewer', 'Operator', 'Admin'])),
  via: z.enum(['bearer', 'session']),
})

const summarySchema = z.object({
  /** When the counts and the attention items were taken: they are reused for up to 5 s. */
  asOf: z.date(),
  ageSeconds: z.number().int().min(0),
  total: z.number().int(),
  byOnboardingState: counts,
  byComplianceState: counts,
  byMode: counts,
  needsAttention: z.object({
    failedOnboarding: z.number().int(),
    drifted: z.number().int(),
    accessLost: z.number().int(),
    removedByCustomer: z.number().int(),
    expiringLinks: z.number().int(),
    total: z.number().int(),
    items: z.array(
      z.object({
        customerId: z.uuid(),
        name: z.string(),
        reason: z.enum([
          'failed_onboarding',
          'drifted',
          'access_lost',
          'removed_by_customer',
          'link_expiring',
        ]),
        at: z.date().nullable(),
        detail: z.string().nullable(),
      }),
    ),
  }),
})

/** Who am I, and the overview numbers. */
export function overviewApiRoutes(r: StaffApi, { ctx, summaries }: StaffApiDeps) {
  r.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['me'],
        summary: 'The signed-in staff member and their roles',
        response: withProblems({ 200: meSchema }),
      },
    },
    (request) => {
      const p = request.principal
      if (!p) throw new Error('route policy must authenticate /api/v1/me')
      return Promise.resolve({
        oid: p.oid,
        tenantId: p.tid,
        name: p.name,
        username: p.username,
        roles: p.roles,
        via: p.via,
      })
    },
  )

  r.get(
    '/api/v1/summary',
    {
      schema: {
        tags: ['summary'],
        summary:
          'Counts by onboarding state, compliance state and mode, and what needs attention (as of `asOf`, at most 5 s old)',
        querystring: z
          .object({
            attentionLimit: z.coerce.number().int().min(0).max(MAX_ATTENTION_ITEMS).default(25),
          })
          .strict(),
        response: withProblems({ 200: summarySchema }, [400]),
      },
    },
    async (request) => {
      const { attentionItems, ...summary } = await summaries.get(ctx.db, ctx.now())
      const items = attentionItems.slice(0, request.query.attentionLimit)
      return { ...summary, needsAttention: { ...summary.needsAttention, items } }
    },
  )
}
