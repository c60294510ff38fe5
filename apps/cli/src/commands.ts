import { createWriteStream } from 'node:fs'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { ApiClient, queryString } from './api-client.ts'
import { CliError, EXIT } from './errors.ts'
import { browserLogin, tokenExpiry } from './login.ts'
import { json, keyValues, table, when, type Output } from './output.ts'
import {
  normaliseBaseUrl,
  readCredentials,
  removeCredentials,
  resolveTarget,
  writeCredentials,
} from './settings.ts'

// Each command: what it sends to the JSON API and how it prints the answer (table by default, --json raw).

export interface CommandContext {
  io: Output
  env: NodeJS.ProcessEnv
  values: Record<string, string | boolean | string[] | undefined>
  args: string[]
  stdin: NodeJS.ReadableStream
}

type Json = Record<string, unknown>

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const asJson = (ctx: CommandContext) => ctx.values.json === true

async function client(ctx: CommandContext): Promise<ApiClient> {
  return new ApiClient(await resolveTarget(str(ctx.values.url), ctx.env))
}

function idArg(ctx: CommandContext, what = 'customer ID'): string {
  const id = ctx.args[0]
  if (!id) throw new CliError(`Missing the ${what}.`, EXIT.usage)
  return encodeURIComponent(id)
}

function filterQuery(ctx: CommandContext) {
  return {
    onboardingState: str(ctx.values.state),
    complianceState: str(ctx.values.compliance),
    trust: str(ctx.values.trust),
    mode: str(ctx.values.mode),
    q: str(ctx.values.search),
  }
}

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
}

export async function link(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const issued = await api.json<{ id: string; url: string; expiresAt: string }>(
    'POST',
    `/api/v1/customers/${idArg(ctx)}/consent-links`,
  )
  if (asJson(ctx)) {
    ctx.io.out(json(issued))
    return
  }
  // The URL alone on stdout (scripts pipe it into mail); the context on stderr.
  ctx.io.out(`${issued.url}\n`)
  ctx.io.err(`Consent link valid until ${when(issued.expiresAt)} UTC; earlier links are revoked.\n`)
}

async function queuedAction(ctx: CommandContext, action: 'recheck' | 'apply' | 'offboard', body?: Json) {
  const api = await client(ctx)
  const answer = await api.json<{ customerId: string; queued: string | null; requestedAt: string }>(
    'POST',
    `/api/v1/customers/${idArg(ctx)}/${action}`,
    body,
  )
  if (asJson(ctx)) ctx.io.out(json(answer))
  else ctx.io.out(`Queued ${answer.queued ?? 'nothing'} for customer ${answer.customerId}.\n`)
}

export const recheck = (ctx: CommandContext) => queuedAction(ctx, 'recheck')
export const apply = (ctx: CommandContext) => queuedAction(ctx, 'apply')

export async function offboard(ctx: CommandContext): Promise<void> {
  if (ctx.values.yes !== true) {
    throw new CliError(
      'Offboarding removes the partner entry from the customer tenant and stops monitoring. Pass --yes to confirm.',
      EXIT.usage,
    )
  }
  const reason = str(ctx.values.reason)
  await queuedAction(ctx, 'offboard', reason === undefined ? {} : { reason })
}

type AuditChainResult =
  | { ok: true; count: number; headSeq: string | null; headHash: string }
  | {
      ok: false
      count: number
      break: {
        kind: string
        seq: string
        id: string | null
        expected: string
        found: string
        message: string
      }
    }

/** Prints the chain's length and head hash (keep it: it anchors the trail outside the database). */
export async function auditVerify(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const anchor = str(ctx.values.anchor)
  const path =
    anchor === undefined
      ? '/api/v1/audit/verify'
      : `/api/v1/audit/verify?anchor=${encodeURIComponent(anchor)}`
  const result = await api.json<AuditChainResult>('GET', path)
  if (asJson(ctx)) ctx.io.out(json(result))
  else if (result.ok) {
    ctx.io.out(
      keyValues([
        ['Audit chain', 'intact'],
        ['Events', String(result.count)],
        ['Head position', result.headSeq],
        ['Head hash', result.headHash],
        ['Anchor', result.headSeq === null ? '-' : `${result.headSeq}:${result.headHash}`],
      ]),
    )
  } else {
    ctx.io.out(
      keyValues([
        ['Audit chain', 'BROKEN'],
        ['Verified events', String(result.count)],
        ['Broken at position', result.break.seq],
        ['Row', result.break.id],
        ['Kind', result.break.kind],
        ['Expected', result.break.expected],
        ['Found', result.break.found],
      ]),
    )
  }
  if (!result.ok) throw new CliError(`Audit chain broken: ${result.break.message}`, EXIT.broken)
}

export async function exportCsv(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const res = await api.raw('GET', `/api/v1/customers/export.csv${queryString(filterQuery(ctx))}`)
  if (!res.body) throw new CliError('The API sent no CSV.')
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
  const file = str(ctx.values.output)
  if (file !== undefined && file !== '-') {
    await pipeline(source, createWriteStream(file, { mode: 0o600 }))
    ctx.io.err(`Wrote ${file}\n`)
    return
  }
  await pipeline(
    source,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        ctx.io.out(chunk.toString('utf8'))
        done()
      },
    }),
  )
}

interface Me {
  oid: string
  name: string
  username: string
  roles: string[]
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
  return text.trim()
}

export async function login(ctx: CommandContext): Promise<void> {
  const stored = await readCredentials(ctx.env)
  const rawUrl = str(ctx.values.url) ?? ctx.env.CROSSTRUST_URL ?? stored?.baseUrl
  if (!rawUrl) throw new CliError('Which API? Pass --url or set CROSSTRUST_URL.', EXIT.usage)
  const baseUrl = normaliseBaseUrl(rawUrl)

  let token: { accessToken: string; expiresAt: string | null }
  if (ctx.values['with-token'] === true) {
    // A token from elsewhere (az cli, a pipeline secret), read from stdin so it stays out of shell history.
    const accessToken = await readStdin(ctx.stdin)
    if (!accessToken) throw new CliError('No token on stdin.', EXIT.usage)
    token = { accessToken, expiresAt: tokenExpiry(accessToken) }
  } else {
    const tenantId = str(ctx.values.tenant) ?? ctx.env.CROSSTRUST_TENANT_ID
    const clientId = str(ctx.values['client-id']) ?? ctx.env.CROSSTRUST_CLIENT_ID
    if (!tenantId || !clientId) {
      throw new CliError(
        'Browser sign-in needs the staff tenant and app: set CROSSTRUST_TENANT_ID and CROSSTRUST_CLIENT_ID ' +
          '(or --tenant/--client-id), or use `crosstrust login --with-token < token`.',
        EXIT.usage,
      )
    }
    const portText = str(ctx.values.port) ?? ctx.env.CROSSTRUST_LOGIN_PORT ?? '0'
    const port = Number(portText)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError(`Bad port: ${portText}`, EXIT.usage)
    const secret = ctx.env.CROSSTRUST_CLIENT_SECRET
    token = await browserLogin({
      loginUrl:
        str(ctx.values['login-url']) ?? ctx.env.CROSSTRUST_LOGIN_URL ?? 'https://login.microsoftonline.com',
      tenantId,
      clientId,
      ...(secret ? { clientSecret: secret } : {}),
      port,
      openBrowser: ctx.values['no-browser'] !== true,
      onUrl: (url) => {
        ctx.io.err(`Open this URL to sign in:\n${url}\n`)
      },
    })
  }
  // Prove the token works against this API before keeping it.
  const me = await new ApiClient({ baseUrl, token: token.accessToken }).json<Me>('GET', '/api/v1/me')
  const file = await writeCredentials(
    { baseUrl, accessToken: token.accessToken, expiresAt: token.expiresAt, username: me.username || me.name },
    ctx.env,
  )
  if (asJson(ctx)) ctx.io.out(json({ baseUrl, ...me, expiresAt: token.expiresAt, credentials: file }))
  else
    ctx.io.out(
      `Signed in to ${baseUrl} as ${me.name || me.username} (${me.roles.join(', ') || 'no role'}).\n`,
    )
}

export async function logout(ctx: CommandContext): Promise<void> {
  const removed = await removeCredentials(ctx.env)
  ctx.io.out(removed ? 'Signed out (credentials removed).\n' : 'Not signed in.\n')
}

export async function whoami(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const me = await api.json<Me>('GET', '/api/v1/me')
  if (asJson(ctx)) ctx.io.out(json({ baseUrl: api.baseUrl, ...me }))
  else
    ctx.io.out(
      keyValues([
        ['API', api.baseUrl],
        ['Name', me.name],
        ['User', me.username],
        ['Roles', me.roles.join(', ')],
      ]),
    )
}
