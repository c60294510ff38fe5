// Evidence packs and the fleet report (docs/evidence.md): signed per-customer evidence for an auditor, and
// the fleet's figures for the SOC's own audit. Both are recorded in the audit trail by the services.
import { exportEvidencePack, exportFleetReport, periodQuerySchema } from '@crosstrust/services'
import { z } from 'zod'
import { staffActor } from './actor.ts'
import type { StaffApi, StaffApiDeps } from './deps.ts'
import { idParams, withProblems } from './schemas.ts'

const evidencePackSchema = z
  .object({
    format: z.literal('crosstrust.evidence-pack/v1'),
    document: z
      .string()
      .describe('The evidence document (JSON, schema evidence.schema.json) exactly as signed'),
    pdf: z.string().describe('The PDF rendering, base64'),
    signature: z.object({
      algorithm: z.literal('Ed25519'),
      keyId: z.string(),
      publicKey: z.string(),
      document: z.string(),
      pdf: z.string(),
    }),
  })
  .describe('The signed evidence pack; `crosstrust evidence verify <file>` checks it offline')

export function evidenceApiRoutes(r: StaffApi, { ctx, evidence }: StaffApiDeps) {
  r.get(
    '/api/v1/customers/:id/evidence',
    {
      schema: {
        tags: ['evidence'],
        summary:
          "A customer's signed evidence pack for a period: policy in force, onboarding, checks, drift with attribution, deviations, repairs, trust, audit slice",
        params: idParams,
        querystring: periodQuerySchema.strict(),
        response: withProblems({ 200: evidencePackSchema }, [400, 404, 503]),
      },
    },
    async (request, reply) => {
      const { pack, fileName } = await exportEvidencePack(
        ctx,
        evidence,
        request.params.id,
        request.query,
        staffActor(request),
      )
      return reply
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'no-store')
        .send(pack)
    },
  )

  r.get(
    '/api/v1/reports/fleet',
    {
      schema: {
        tags: ['evidence'],
        summary:
          'The fleet report for a period as CSV or PDF: compliance, mean time to detect and to repair drift, open deviations, trust not effective',
        querystring: periodQuerySchema.extend({ format: z.enum(['csv', 'pdf']).default('csv') }).strict(),
        produces: ['text/csv', 'application/pdf'],
        // A file, sent as it is (Fastify does not serialise a Buffer).
        response: withProblems(
          { 200: z.instanceof(Buffer).describe('The report: text/csv (RFC 4180) or application/pdf') },
          [400],
        ),
      },
    },
    async (request, reply) => {
      const { format, ...period } = request.query
      const report = await exportFleetReport(ctx, period, format, evidence.partner.name, staffActor(request))
      return reply
        .type(report.contentType)
        .header('content-disposition', `attachment; filename="${report.fileName}"`)
        .header('cache-control', 'no-store')
        .send(report.body)
    },
  )
}
