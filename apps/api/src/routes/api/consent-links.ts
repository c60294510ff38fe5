import {
  issueConsentLink,
  listConsentLinks,
  requireCustomer,
  revokeConsentLink,
  revokeConsentLinks,
} from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { consentLinkSchema, emptyBody, idParams, withProblems } from './schemas.ts'

const tags = ['consent links']

const issuedLinkSchema = z.object({ id: z.uuid(), url: z.url(), expiresAt: z.date() })

/** Consent links of a customer. The URL (with its token) is shown once, when issued; never afterwards. */
export function consentLinkApiRoutes(r: StaffApi, { ctx, links }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/consent-links',
    {
      schema: {
        tags,
        summary: "A customer's consent links, newest first (without their tokens)",
        params: idParams,
        response: withProblems({ 200: z.object({ items: z.array(consentLinkSchema) }) }, [400, 404]),
      },
    },
    async (request) => {
      await requireCustomer(ctx, request.params.id)
      return { items: await listConsentLinks(ctx.db, request.params.id, ctx.now()) }
    },
  )

  r.post(
    '/api/v1/customers/:id/consent-links',
    {
      schema: {
        tags,
        summary: 'Issue a new consent link (revokes earlier open ones); the URL is shown only now',
        params: idParams,
        body: emptyBody,
        response: withProblems({ 201: issuedLinkSchema }, [400, 404, 409]),
      },
    },
    async (request, reply) => {
      const link = await issueConsentLink(ctx, links, request.params.id, staffActor(request))
      return reply.status(201).send(link)
    },
  )

  r.delete(
    '/api/v1/customers/:id/consent-links',
    {
      schema: {
        tags,
        summary: 'Revoke every open consent link of the customer',
        params: idParams,
        response: withProblems({ 200: z.object({ revoked: z.number().int() }) }, [400, 404]),
      },
    },
    async (request) => ({ revoked: await revokeConsentLinks(ctx, request.params.id, staffActor(request)) }),
  )

  r.delete(
    '/api/v1/customers/:id/consent-links/:linkId',
    {
      schema: {
        tags,
        summary: 'Revoke one open consent link',
        params: z.object({ id: z.uuid(), linkId: z.uuid() }),
        response: withProblems({ 200: consentLinkSchema }, [400, 404, 409]),
      },
    },
    async (request) => revokeConsentLink(ctx, request.params.id, request.params.linkId, staffActor(request)),
  )
}
