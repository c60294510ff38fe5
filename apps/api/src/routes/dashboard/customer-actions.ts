// The buttons on a customer's page. Each POST validates, calls the service (which records the audit event),
// and redirects back to the customer with a one-time message (POST-redirect-GET: a reload never repeats an
// action). Who may press which button is decided by the route policy table, not here.
import {
  acceptDeviation,
  changeMode,
  issueConsentLink,
  requestApply,
  requestOffboard,
  requestRecheck,
  revokeConsentLink,
  revokeDeviation,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { staffActor } from '../api/actor.ts'
import type { DashboardDeps } from './deps.ts'
import type { Flash, FlashStore } from './flash.ts'
import { field, formBody, userMessage } from './forms.ts'

const params = z.object({ id: z.string().max(64) })
const linkParams = params.extend({ linkId: z.string().max(64) })
const deviationParams = params.extend({ deviationId: z.string().max(64) })

type Outcome = Flash | string

export function customerActionRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  const { ctx } = deps

  /** Runs one action; expected failures (conflicts, validation) come back as a red message, not an error page. */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    customerId: string,
    run: () => Promise<Outcome>,
    anchor = '',
  ) {
    let message: Flash
    try {
      const outcome = await run()
      message = typeof outcome === 'string' ? { tone: 'ok', text: outcome } : outcome
    } catch (err) {
      const text = userMessage(err)
      if (text === null) throw err
      message = { tone: 'bad', text }
    }
    await flash.set(reply, message)
    return reply.redirect(`/customers/${encodeURIComponent(customerId)}${anchor}`, 303)
  }

  app.post('/customers/:id/consent-links', async (request, reply) => {
    const { id } = params.parse(request.params)
    return act(request, reply, id, async () => {
      const link = await issueConsentLink(ctx, deps.links, id, staffActor(request))
      return {
        tone: 'ok',
        text: `New consent link issued (earlier links no longer work). It is valid until ${link.expiresAt.toISOString().slice(0, 10)}.`,
        reveal: { label: 'Consent link', value: link.url },
      }
    })
  })

  app.post('/customers/:id/consent-links/:linkId/revoke', async (request, reply) => {
    const { id, linkId } = linkParams.parse(request.params)
    return act(request, reply, id, async () => {
      await revokeConsentLink(ctx, id, linkId, staffActor(request))
      return 'Consent link revoked. It no longer works.'
    })
  })

  app.post('/customers/:id/recheck', async (request, reply) => {
    const { id } = params.parse(request.params)
    return act(request, reply, id, async () => {
      await requestRecheck(ctx, id, staffActor(request))
      return 'Check requested. The result appears here in a few seconds.'
    })
  })

  app.post('/customers/:id/apply', async (request, reply) => {
    const { id } = params.parse(request.params)
    return act(request, reply, id, async () => {
      await requestApply(ctx, id, staffActor(request))
      return 'Apply requested: repairable differences are being repaired and verified.'
    })
  })

  app.post('/customers/:id/deviations', async (request, reply) => {
    const { id } = params.parse(request.params)
    const body = formBody(request)
    return act(
      request,
      reply,
      id,
      async () => {
        const expires = field(body, 'expiresAt')
        // A date input gives a calendar day: the acceptance lasts to the end of that day (UTC).
        const expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T23:59:59Z` : expires
        await acceptDeviation(
          ctx,
          id,
          {
            field: field(body, 'field'),
            reason: field(body, 'reason'),
            owner: field(body, 'owner'),
            expiresAt,
          },
          staffActor(request),
        )
        return 'Deviation accepted. It is not reported as drift until it expires.'
      },
      '#diff',
    )
  })

  app.post('/customers/:id/deviations/:deviationId/revoke', async (request, reply) => {
    const { id, deviationId } = deviationParams.parse(request.params)
    return act(
      request,
      reply,
      id,
      async () => {
        await revokeDeviation(ctx, id, deviationId, staffActor(request))
        return 'Deviation revoked. The difference counts as drift again.'
      },
      '#diff',
    )
  })

  app.post('/customers/:id/mode', async (request, reply) => {
    const { id } = params.parse(request.params)
    const mode = field(formBody(request), 'mode')
    return act(request, reply, id, async () => {
      if (mode !== '' && mode !== 'report' && mode !== 'alert' && mode !== 'remediate') {
        return { tone: 'bad', text: 'Choose report, alert, remediate or the default mode.' }
      }
      const result = await changeMode(ctx, id, mode === '' ? null : mode, staffActor(request))
      const name = result.mode ?? `the default (${deps.defaultMode})`
      return `Mode set to ${name}.${result.queued ? ' Known drift is being repaired now.' : ''}`
    })
  })

  app.post('/customers/:id/offboard', async (request, reply) => {
    const { id } = params.parse(request.params)
    const body = formBody(request)
    return act(request, reply, id, async () => {
      const reason = field(body, 'reason')
      await requestOffboard(ctx, id, staffActor(request), {
        confirmName: field(body, 'confirm'),
        ...(reason ? { reason } : {}),
      })
      return 'Offboarding started: the partner entry is being removed from the customer’s tenant.'
    })
  })
}
