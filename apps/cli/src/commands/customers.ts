import { queryString } from '../api-client.ts'
import { CliError, EXIT } from '../errors.ts'
import { json, keyValues, table, when } from '../output.ts'
import { asJson, client, filterQuery, idArg, str, type CommandContext, type Json } from './context.ts'

// `customers list`, `customers add` and `customers show`.

interface Row {
  id: string
  name: string
  tenantId: string | null
  expectedTenantId: string | null
  tenantDisplayName: string | null
  onboardingState: string
  complianceState: string
  mode: string | null
  lastCheckAt: string | null
  currentStep: { step: string; status: string } | null
  verification: { inboundAccess: string; outboundAccess: string; tenantRestrictions: string } | null
}

export async function customersList(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const items: Row[] = []
  let cursor = str(ctx.values.cursor)
  let next: string | null
  do {
    const page = await api.json<{ items: Row[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/customers${queryString({
        ...filterQuery(ctx),
        sort: str(ctx.values.sort),
        order: str(ctx.values.order),
        limit: str(ctx.values.limit),
        cursor,
      })}`,
    )
    items.push(...page.items)
    next = page.nextCursor
    cursor = next ?? undefined
  } while (ctx.values.all === true && next !== null)
  if (asJson(ctx)) {
    ctx.io.out(json({ items, nextCursor: next }))
    return
  }
  ctx.io.out(
    table(
      [
        'NAME',
        'TENANT',
        'ONBOARDING',
        'STEP',
        'COMPLIANCE',
        'INBOUND',
        'OUTBOUND',
        'TENANT RESTR.',
        'LAST CHECK',
        'ID',
      ],
      items.map((c) => [
        c.name,
        c.tenantDisplayName ?? c.tenantId ?? c.expectedTenantId,
        c.onboardingState,
        c.currentStep ? `${c.currentStep.step} (${c.currentStep.status})` : null,
        c.complianceState,
        c.verification?.inboundAccess,
        c.verification?.outboundAccess,
        c.verification?.tenantRestrictions,
        when(c.lastCheckAt),
        c.id,
      ]),
    ),
  )
  if (next !== null) ctx.io.err(`More customers: --cursor ${next} (or --all)\n`)
}

/** "Name <email>" or "email". */
function parseContact(raw: string): { name: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(raw)
  if (match) return { name: match[1] || (match[2] ?? ''), email: match[2] ?? '' }
  return { name: raw.trim(), email: raw.trim() }
}

export async function customersAdd(ctx: CommandContext): Promise<void> {
  const name = ctx.args[0]
  if (!name) throw new CliError('Missing the customer name: crosstrust customers add "<name>"', EXIT.usage)
  const contacts = Array.isArray(ctx.values.contact) ? ctx.values.contact.map(parseContact) : []
  const body: Json = { name, contacts }
  if (str(ctx.values.tenant)) body.tenant = str(ctx.values.tenant)
  if (str(ctx.values.notes)) body.notes = str(ctx.values.notes)
  if (str(ctx.values.mode)) body.mode = str(ctx.values.mode)
  const api = await client(ctx)
  const created = await api.json<Json>('POST', '/api/v1/customers', body)
  if (asJson(ctx)) {
    ctx.io.out(json(created))
    return
  }
  ctx.io.out(
    keyValues([
      ['Created', created.name],
      ['ID', created.id],
      ['Expected tenant', created.expectedTenantId ?? created.expectedDomain],
      ['Next', `crosstrust link ${String(created.id)}`],
    ]),
  )
}

interface Detail {
  customer: Json
  verification: Row['verification']
  steps: {
    step: string
    status: string
    attempts: number
    message: string | null
    finishedAt: string | null
  }[]
  latestRun: { kind: string; outcome: string | null; startedAt: string } | null
  currentDiff: unknown
  activeDeviations: { field: string; owner: string; expiresAt: string }[]
  consentLinks: { id: string; status: string; createdAt: string; expiresAt: string }[]
  recentRuns: {
    kind: string
    trigger: string
    outcome: string | null
    startedAt: string
    errorMessage: string | null
    /** Who made the drift (or default-policy change) the run found (the tenant's directory audit log). */
    attribution: { subject?: string; status: string; sentences: string[] } | null
  }[]
}

export async function customersShow(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const d = await api.json<Detail>('GET', `/api/v1/customers/${idArg(ctx)}`)
  if (asJson(ctx)) {
    ctx.io.out(json(d))
    return
  }
  const c = d.customer
  const current = d.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped')
  ctx.io.out(
    keyValues([
      ['Name', c.name],
      ['ID', c.id],
      ['Tenant', c.tenantId ?? c.expectedTenantId ?? c.expectedDomain],
      ['Tenant name', c.tenantDisplayName],
      ['Onboarding', c.onboardingState],
      ['Current step', current ? `${current.step} (${current.status})` : null],
      ['Compliance', c.complianceState],
      ['Mode', c.mode ?? 'default'],
      ['Last check', when(c.lastCheckAt)],
      ['Next check', when(c.nextCheckAt)],
      ['Inbound access', d.verification?.inboundAccess],
      ['Outbound access', d.verification?.outboundAccess],
      ['Tenant restrictions', d.verification?.tenantRestrictions],
      ['Problem', c.lastFailureReason],
    ]),
  )
  ctx.io.out('\nOnboarding steps\n')
  ctx.io.out(
    table(
      ['STEP', 'STATUS', 'TRIES', 'FINISHED', 'MESSAGE'],
      d.steps.map((s) => [s.step, s.status, s.attempts, when(s.finishedAt), s.message]),
    ),
  )
  if (d.currentDiff !== null && d.currentDiff !== undefined) {
    ctx.io.out(`\nCurrent difference (desired vs observed)\n${JSON.stringify(d.currentDiff, null, 2)}\n`)
  }
  if (d.activeDeviations.length > 0) {
    ctx.io.out('\nAccepted deviations\n')
    ctx.io.out(
      table(
        ['FIELD', 'OWNER', 'EXPIRES'],
        d.activeDeviations.map((v) => [v.field, v.owner, when(v.expiresAt)]),
      ),
    )
  }
  if (d.consentLinks.length > 0) {
    ctx.io.out('\nConsent links\n')
    ctx.io.out(
      table(
        ['STATUS', 'CREATED', 'EXPIRES', 'ID'],
        d.consentLinks.map((l) => [l.status, when(l.createdAt), when(l.expiresAt), l.id]),
      ),
    )
  }
  if (d.recentRuns.length > 0) {
    ctx.io.out('\nRecent runs\n')
    ctx.io.out(
      table(
        ['STARTED', 'KIND', 'TRIGGER', 'OUTCOME', 'ERROR'],
        d.recentRuns.map((r) => [
          when(r.startedAt),
          r.kind,
          r.trigger,
          r.outcome ?? 'running',
          r.errorMessage,
        ]),
      ),
    )
  }
  const attributed = d.recentRuns.filter((r) => r.attribution !== null)
  if (attributed.length > 0) {
    ctx.io.out('\nWho changed it\n')
    ctx.io.out(
      table(
        ['FOUND', 'CHANGE', 'ATTRIBUTION', 'WHO, WHAT, WHEN'],
        attributed.map((r) => [
          when(r.startedAt),
          r.attribution?.subject === 'default_policy' ? 'default policy' : 'drift',
          r.attribution?.status.replace('_', ' ') ?? '',
          r.attribution?.sentences.join(' ') ?? '',
        ]),
      ),
    )
  }
}
