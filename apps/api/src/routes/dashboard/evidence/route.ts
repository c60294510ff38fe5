// Evidence downloads from the dashboard: the same services as the JSON API, with the dashboard's date
// fields (whole UTC days, the `to` day included).
import { exportEvidencePack, exportFleetReport } from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { staffActor } from '../../api/actor.ts'
import type { DashboardDeps } from '../deps.ts'

const DAY_MS = 86_400_000
const params = z.object({ id: z.string() })
const dateField = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
const periodForm = z.object({ from: dateField, to: dateField })
const fleetForm = periodForm.extend({ format: z.enum(['csv', 'pdf']).default('pdf') })

/** A whole `to` day is included: the period ends at the next midnight. */
function inclusive(period: { from?: string | undefined; to?: string | undefined }) {
  const to = period.to
  const end =
    to !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(to) ? new Date(Date.parse(to) + DAY_MS).toISOString() : to
  return {
    ...(period.from === undefined ? {} : { from: period.from }),
    ...(end === undefined ? {} : { to: end }),
  }
}

export function evidenceRoutes(app: FastifyInstance, deps: DashboardDeps) {
  app.get('/customers/:id/evidence', async (request, reply) => {
    const { id } = params.parse(request.params)
    const period = inclusive(periodForm.parse(request.query))
    const { pack, fileName } = await exportEvidencePack(
      deps.ctx,
      deps.evidence,
      id,
      period,
      staffActor(request),
    )
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(pack))
  })

  app.get('/reports/fleet', async (request, reply) => {
    const { format, ...form } = fleetForm.parse(request.query)
    const report = await exportFleetReport(
      deps.ctx,
      inclusive(form),
      format,
      deps.partnerName,
      staffActor(request),
    )
    return reply
      .type(report.contentType)
      .header('content-disposition', `attachment; filename="${report.fileName}"`)
      .header('cache-control', 'no-store')
      .send(report.body)
  })
}
