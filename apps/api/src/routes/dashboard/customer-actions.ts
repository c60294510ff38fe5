// The buttons on a customer's page. Each POST validates, calls the service (which records the audit event),
// and redirects back to the customer with a one-time message (POST-redirect-GET: a reload never repeats an
// action). Who may press which button is decided by the route policy table, not here.
import {
  acceptDeviation,
  changeMode,
  issueConsentLink,
  issueStatusLink,
  requestConsentEmail,
  requestApply,
  requestOffboard,
  requestRecheck,
  revokeConsentLink,
  revokeDeviation,
  revokeStatusLinks,
  setAttributionEnabled,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { staffActor } from '../api/actor.ts'
import type { DashboardDeps } from './deps.ts'
import type { Flash, FlashStore } from './flash.ts'
import { field, fields, formBody, userMessage } from './forms.ts'

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

  app.post('/customers/:id/consent-emails', async (request, reply) => {
    const { id } = params.parse(request.params)
    const recipients = fields(formBody(request), 'recipients')
    return act(
      request,
      reply,
      id,
      async () => {
        if (recipients.length === 0) return { tone: 'bad', text: 'Tick at least one contact to send to.' }
        await requestConsentEmail(ctx, id, { recipients }, staffActor(request), deps.emailEnabled)
        return `Consent link email queued for ${recipients.join(', ')}. Its delivery shows below.`
      },
      '#emails',
    )
  })

  app.post('/customers/:id/consent-links/:linkId/revoke', async (request, reply) => {
    const { id, linkId } = linkParams.parse(request.params)
    return act(request, reply, id, async () => {
      await revokeConsentLink(ctx, id, linkId, staffActor(request))
      return 'Consent link revoked. It no longer works.'
    })
  })

  app.post('/customers/:id/status-link', async (request, reply) => {
    const { id } = params.parse(request.params)
    return act(
      request,
      reply,
      id,
      async () => {
        const link = await issueStatusLink(ctx, deps.links, id, staffActor(request))
        return {
          tone: 'ok',
          text: `New status page link issued (${replacedText(link.revokedEarlier)}). Send it to the customer’s admin.`,
          reveal: { label: 'Status page link', value: link.url },
        }
      },
      '#status-link',
    )
  })

  app.post('/customers/:id/status-link/revoke', async (request, reply) => {
    const { id } = params.parse(request.params)
    return act(
      request,
      reply,
      id,
      async () => {
        const revoked = await revokeStatusLinks(ctx, id, staffActor(request))
        if (revoked === 0) return 'No status page link was working: nothing to revoke.'
        return revoked === 1
          ? 'Status page link revoked. It shows “This link no longer works”.'
          : `${revoked} status page links revoked. They show “This link no longer works”.`
      },
      '#status-link',
    )
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

  app.post('/customers/:id/attribution', async (request, reply) => {
    const { id } = params.parse(request.params)
    const enabled = field(formBody(request), 'enabled') === 'true'
    return act(
      request,
      reply,
      id,
      async () => {
        await setAttributionEnabled(ctx, id, enabled, staffActor(request))
        return enabled
          ? 'Attribution enabled. If the tenant has not granted AuditLog.Read.All and Directory.Read.All yet, send a fresh consent link: its page lists them as new.'
          : 'Attribution disabled: drifts are no longer looked up in the audit log.'
      },
      '#drift',
    )
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

/** What a fresh status link did to the earlier ones, for the flash message. */
function replacedText(revoked: number): string {
  if (revoked === 0) return 'no earlier link was working'
  return revoked === 1 ? 'the earlier link no longer works' : `the ${revoked} earlier links no longer work`
}
