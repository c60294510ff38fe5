import { currentPolicyVersion, listPolicyVersions, publishPolicyVersion } from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { withProblems } from './schemas.ts'

const tags = ['policy']

const versionSummary = z.object({
  version: z.number().int(),
  description: z.string(),
  publishedAt: z.date().nullable(),
  publishedBy: z.string().nullable(),
  notes: z.string().nullable(),
})

const rolloutSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  startedBy: z.string().nullable(),
  total: z.number().int(),
  done: z.number().int(),
  compliant: z.number().int(),
  drifted: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  percent: z.number(),
})

const policyInForceSchema = versionSummary.extend({
  definition: z.unknown(),
  compliantCustomers: z.number().int(),
  otherCustomers: z.number().int(),
  rollout: rolloutSchema.nullable(),
  versions: z.array(versionSummary),
})

const publishedVersionSchema = z.object({
  version: z.number().int(),
  definition: z.unknown(),
  rolloutId: z.string(),
  scheduled: z.number().int(),
})

/** The partner policy as versioned data: read it; Admins publish a new version (rolled out by the jobs). */
export function policyApiRoutes(r: StaffApi, { ctx }: StaffApiDeps) {
  r.get(
    '/api/v1/policy',
    {
      schema: {
        tags,
        summary: 'The policy in force (definition, adoption, latest rollout) and its version history',
        response: withProblems({ 200: policyInForceSchema }),
      },
    },
    async () => {
      const [current, versions] = await Promise.all([currentPolicyVersion(ctx), listPolicyVersions(ctx)])
      return { ...current, versions }
    },
  )

  r.put(
    '/api/v1/policy',
    {
      schema: {
        tags,
        summary: 'Publish a new policy version and roll it out to every onboarded customer',
        body: z
          .object({
            definition: z
              .record(z.string(), z.unknown())
              .describe('A policy definition (version optional: it is numbered latest + 1)'),
            notes: z.string().max(2000).nullable().optional(),
          })
          .strict(),
        response: withProblems({ 200: publishedVersionSchema }, [400, 409]),
      },
    },
    async (request) =>
      publishPolicyVersion(ctx, request.body.definition, request.body.notes ?? null, staffActor(request)),
  )
}
