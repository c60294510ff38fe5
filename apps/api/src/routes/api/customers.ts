import {
  createCustomer,
  createCustomerInput,
  customerDetail,
  customerFiltersSchema,
  customerListQuerySchema,
  exportCustomersCsv,
  listCustomers,
} from '@crosstrust/services'
import { Readable } from 'node:stream'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import {
  auditEventSchema,
  consentLinkSchema,
  customerRowSchema,
  customerSchema,
  customerStatusSchema,
  deviationSchema,
  idParams,
  pageOf,
  runSummarySchema,
  stepSchema,
  verificationSchema,
  withProblems,
} from './schemas.ts'

const tags = ['customers']

const customerDetailSchema = z.object({
  customer: customerSchema,
  status: customerStatusSchema,
  verification: verificationSchema,
  observed: z.unknown().describe('Owned policy fields as last observed, by dotted path; null before'),
  currentDiff: z.unknown().describe('Desired vs observed, per drifted field; null when compliant'),
  steps: z.array(stepSchema),
  latestRun: runSummarySchema.nullable(),
  activeDeviations: z.array(deviationSchema),
  consentLinks: z.array(consentLinkSchema),
  recentRuns: z.array(runSummarySchema),
  recentAudit: z.array(auditEventSchema),
})

/** Staff JSON API for customers: list, create, detail, CSV export. Access comes from the route table. */
export function customerApiRoutes(r: StaffApi, { ctx, resolveTenant }: StaffApiDeps) {
  r.get(
    '/api/v1/customers',
    {
      schema: {
        tags,
        summary: 'List customers (filters, free-text search, keyset pagination, sort)',
        querystring: customerListQuerySchema.strict(),
        response: withProblems({ 200: pageOf(customerRowSchema) }, [400]),
      },
    },
    async (request) => listCustomers(ctx.db, request.query),
  )

  r.post(
    '/api/v1/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer',
        body: createCustomerInput,
        response: withProblems({ 201: customerSchema }, [400, 409, 422]),
      },
    },
    async (request, reply) => {
      const customer = await createCustomer(ctx, resolveTenant, request.body, staffActor(request))
      return reply.status(201).header('location', `/api/v1/customers/${customer.id}`).send(customer)
    },
  )

  r.get(
    '/api/v1/customers/export.csv',
    {
      schema: {
        tags,
        summary: 'Export the customers matching the filters as CSV (RFC 4180)',
        querystring: customerFiltersSchema.strict(),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      // Validate the filters before the first byte goes out: a failure mid-stream cannot be a 400.
      await listCustomers(ctx.db, { ...request.query, limit: 1 })
      const stamp = new Date().toISOString().slice(0, 10)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="crosstrust-customers-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exportCustomersCsv(ctx.db, request.query)))
    },
  )

  r.get(
    '/api/v1/customers/:id',
    {
      schema: {
        tags,
        summary: 'Customer detail: steps, latest run, current diff, deviations, links, history',
        params: idParams,
        response: withProblems({ 200: customerDetailSchema }, [400, 404]),
      },
    },
    // The service's typed view is the answer; the response schema keeps only its documented fields.
    (request) => customerDetail(ctx.db, request.params.id, { now: ctx.now() }),
  )
}
