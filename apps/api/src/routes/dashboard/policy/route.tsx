// The policy in force, as a readable table (portal wording, Graph property, repairable or report-only),
// its adoption and rollout, the version history, and for Admins a form to publish a new version (JSON).
import { currentPolicyVersion, listPolicyVersions, publishPolicyVersion } from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isClientDomainError } from '../../../plugins/problem.ts'
import { staffActor } from '../../api/actor.ts'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { field, fieldErrors, formBody } from '../forms.ts'
import { sendStaffPage, staffViewer } from '../ui/staff-page.tsx'
import { PolicyPage } from './page.tsx'
import { presentPolicy, type Submitted } from './presenter.ts'

async function policyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: DashboardDeps,
  flash: FlashStore,
  submitted: Submitted | null,
) {
  const [current, versions] = await Promise.all([
    currentPolicyVersion(deps.ctx),
    listPolicyVersions(deps.ctx),
  ])
  const viewer = staffViewer(request)
  const view = presentPolicy({
    current,
    versions,
    submitted,
    partnerName: deps.partnerName,
    publisher: viewer.admin ? { csrfToken: viewer.csrfToken } : null,
    now: deps.ctx.now(),
  })
  return sendStaffPage(
    request,
    reply,
    {
      title: 'Policy',
      section: 'policy',
      body: <PolicyPage view={view} />,
      flash,
    },
    submitted ? 422 : 200,
  )
}

export function policyRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/settings/policy', (request, reply) => policyPage(request, reply, deps, flash, null))

  app.post('/settings/policy', async (request, reply) => {
    const body = formBody(request)
    const definition = field(body, 'definition')
    const notes = field(body, 'notes')
    try {
      const published = await publishPolicyVersion(deps.ctx, definition, notes || null, staffActor(request))
      await flash.set(reply, {
        tone: 'ok',
        text: `Version ${String(published.version)} published. ${String(published.scheduled)} customers will be re-checked against it within the hour.`,
      })
      return await reply.redirect('/settings/policy', 303)
    } catch (err) {
      if (!isClientDomainError(err)) throw err
      const issues = Object.entries(fieldErrors(err) ?? {}).map(([path, m]) => (path ? `${path}: ${m}` : m))
      const errors = [...new Set([err.detail, ...issues])]
      return policyPage(request, reply, deps, flash, { definition, notes, errors })
    }
  })
}
