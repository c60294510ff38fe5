import {
  createCustomer,
  createCustomerInput,
  issueConsentLink,
  requireCustomer,
  revokeConsentLinks,
} from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApiDeps } from './deps.ts'

const idParams = z.object({ id: z.uuid() })

function customerView(c: Awaited<ReturnType<typeof requireCustomer>>) {
  return {
    id: c.id,
    name: c.name,
    notes: c.notes,
    contacts: c.contacts,
    expectedTenantId: c.expectedTenantId,
    expectedDomain: c.expectedDomain,
    tenantId: c.tenantId,
    tenantDisplayName: c.tenantDisplayName,
    verifiedDomains: c.verifiedDomains,
    licence: c.licence,
    onboardingState: c.onboardingState,
    complianceState: c.complianceState,
    mode: c.mode,
    checkIntervalSeconds: c.checkIntervalSeconds,
    nextCheckAt: c.nextCheckAt,
    lastCheckAt: c.lastCheckAt,
    lastFailureReason: c.lastFailureReason,
    compliantPolicyVersion: c.compliantPolicyVersion,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}

/** Staff JSON API for customers and their consent links. Authorization comes from the route policy table. */
export function customerApiRoutes(app: FastifyInstance, deps: StaffApiDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const { ctx } = deps

  r.post(
    '/api/v1/customers',
    { schema: { body: createCustomerInput, tags: ['customers'], summary: 'Create a customer' } },
    async (request, reply) => {
      const customer = await createCustomer(ctx, deps.resolveTenant, request.body, staffActor(request))
      return reply
        .status(201)
        .header('location', `/api/v1/customers/${customer.id}`)
        .send(customerView(customer))
    },
  )

  r.get(
    '/api/v1/customers/:id',
    { schema: { params: idParams, tags: ['customers'], summary: 'Customer detail with onboarding steps' } },
    async (request) => {
      const customer = await requireCustomer(ctx, request.params.id)
      const [steps, latestRun] = await Promise.all([
        ctx.db.onboardingStep.findMany({ where: { customerId: customer.id } }),
        ctx.db.checkRun.findFirst({ where: { customerId: customer.id }, orderBy: { startedAt: 'desc' } }),
      ])
      const order = [
        'link_issued',
        'consent_received',
        'access_verified',
        'prerequisites_checked',
        'policy_applied',
        'verified',
      ]
      return {
        ...customerView(customer),
        currentDiff: customer.currentDiff,
        steps: steps
          .sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step))
          .map((s) => ({
            step: s.step,
            status: s.status,
            attempts: s.attempts,
            message: s.message,
            startedAt: s.startedAt,
            finishedAt: s.finishedAt,
          })),
        latestRun,
      }
    },
  )

  r.post(
    '/api/v1/customers/:id/consent-links',
    {
      schema: {
        params: idParams,
        tags: ['consent links'],
        summary: 'Issue a new consent link (revokes earlier ones)',
      },
    },
    async (request, reply) => {
      const link = await issueConsentLink(ctx, deps.links, request.params.id, staffActor(request))
      return reply.status(201).send(link)
    },
  )

  r.delete(
    '/api/v1/customers/:id/consent-links',
    { schema: { params: idParams, tags: ['consent links'], summary: 'Revoke every open consent link' } },
    async (request) => ({ revoked: await revokeConsentLinks(ctx, request.params.id, staffActor(request)) }),
  )
}
