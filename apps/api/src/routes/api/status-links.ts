import { LINK_DELIVERIES } from '@crosstrust/core'
import { issueStatusLink, revokeStatusLinks, statusLinkSummary } from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { emptyBody, idParams, withProblems } from './schemas.ts'

const tags = ['status links']

const summarySchema = z.object({
  working: z.array(
    z.object({
      id: z.uuid(),
      delivery: z.enum(LINK_DELIVERIES),
      createdAt: z.date(),
      createdBy: z.string(),
    }),
  ),
  revokedCount: z.number().int(),
})
const issuedSchema = z.object({
  id: z.uuid(),
  url: z.url(),
  createdAt: z.date(),
  revokedEarlier: z.number().int(),
})

/**
 * The customer's status page links. Like a consent link, a URL (with the token) is shown once, when handed
 * out. The customer may hold several (from staff, the consent result page, the mail after onboarding); only
 * staff's fresh link or revoke stops the earlier ones.
 */
export function statusLinkApiRoutes(r: StaffApi, { ctx, links }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/status-link',
    {
      schema: {
        tags,
        summary:
          "The customer's working status page links: how each was delivered and when (never their tokens)",
        params: idParams,
        response: withProblems({ 200: summarySchema }, [400, 404]),
      },
    },
    async (request) => statusLinkSummary(ctx, request.params.id),
  )

  r.post(
    '/api/v1/customers/:id/status-link',
    {
      schema: {
        tags,
        summary: 'Issue a fresh status page link (revokes every earlier one); the URL is shown only now',
        params: idParams,
        body: emptyBody,
        response: withProblems({ 201: issuedSchema }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const link = await issueStatusLink(ctx, links, request.params.id, staffActor(request))
      return reply.status(201).send(link)
    },
  )

  r.delete(
    '/api/v1/customers/:id/status-link',
    {
      schema: {
        tags,
        summary:
          "Revoke all the customer's status page links and end their sessions (their pages then say the link no longer works)",
        params: idParams,
        response: withProblems({ 200: z.object({ revoked: z.number().int() }) }, [400, 404]),
      },
    },
    async (request) => ({ revoked: await revokeStatusLinks(ctx, request.params.id, staffActor(request)) }),
  )
}
