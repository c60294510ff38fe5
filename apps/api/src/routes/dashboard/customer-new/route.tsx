// "New customer": the form, and its POST. Invalid input re-renders the form with every message next to
// its field and changes nothing; success creates the customer (optionally issuing its first consent link)
// and redirects to the customer's page.
import {
  createCustomer,
  createCustomerInput,
  issueConsentLink,
  type CreateCustomerInput,
} from '@crosstrust/services'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isClientDomainError } from '../../../plugins/problem.ts'
import { staffActor } from '../../api/actor.ts'
import type { DashboardDeps } from '../deps.ts'
import type { FlashStore } from '../flash.ts'
import { field, fieldErrors, formBody, type FieldErrors, type FormBody } from '../forms.ts'
import { sendStaffPage, staffViewer } from '../ui/staff-page.tsx'
import { NewCustomerForm } from './page.tsx'

const CONTACT_ROWS = 3

function contactLabels(): Record<string, string> {
  const labels: Record<string, string> = {}
  for (let i = 1; i <= CONTACT_ROWS; i += 1) {
    const n = String(i)
    labels[`contactName${n}`] = `Contact ${n} name`
    labels[`contactEmail${n}`] = `Contact ${n} email`
    labels[`contactRole${n}`] = `Contact ${n} role`
  }
  return labels
}

const LABELS: Record<string, string> = {
  name: 'Customer name',
  tenant: 'Tenant ID or domain',
  notes: 'Notes',
  mode: 'Monitoring mode',
  ...contactLabels(),
}

function newCustomerPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: DashboardDeps,
  values: FormBody,
  errors: FieldErrors | null,
) {
  return sendStaffPage(
    request,
    reply,
    {
      title: 'New customer',
      section: 'customers',
      body: (
        <NewCustomerForm
          values={values}
          errors={errors}
          labels={LABELS}
          contactRows={CONTACT_ROWS}
          defaultMode={deps.defaultMode}
          csrfToken={staffViewer(request).csrfToken}
        />
      ),
    },
    errors === null ? 200 : 422,
  )
}

/** The service input from the form; contact rows left completely empty are ignored. */
function toInput(body: FormBody): { input: CreateCustomerInput; rowOf: number[] } {
  const contacts: { name: string; email: string; role?: string }[] = []
  const rowOf: number[] = []
  for (let i = 1; i <= CONTACT_ROWS; i += 1) {
    const n = String(i)
    const name = field(body, `contactName${n}`)
    const email = field(body, `contactEmail${n}`)
    const role = field(body, `contactRole${n}`)
    if (!name && !email && !role) continue
    contacts.push({ name, email, ...(role ? { role } : {}) })
    rowOf.push(i)
  }
  const tenant = field(body, 'tenant')
  const notes = field(body, 'notes')
  const mode = field(body, 'mode')
  return {
    input: {
      name: field(body, 'name'),
      contacts,
      ...(tenant ? { tenant } : {}),
      ...(notes ? { notes } : {}),
      ...(mode ? { mode: mode as 'report' | 'alert' | 'remediate' } : {}),
    },
    rowOf,
  }
}

/** Zod paths (`contacts.1.email`) to the form's input names (`contactEmail2`). */
function toFormErrors(errors: FieldErrors, rowOf: number[]): FieldErrors {
  const out: FieldErrors = {}
  for (const [path, message] of Object.entries(errors)) {
    const m = /^contacts\.(\d+)\.(name|email|role)$/.exec(path)
    if (m) {
      const row = rowOf[Number(m[1])] ?? 1
      const key = `contact${(m[2] ?? 'name').replace(/^./, (c) => c.toUpperCase())}${String(row)}`
      out[key] =
        m[2] === 'email'
          ? 'Enter a valid email address'
          : m[2] === 'name'
            ? 'Enter the contact’s name (or clear the row)'
            : message
    } else if (path === 'name') {
      out.name = 'Enter the customer’s name'
    } else {
      out[path] = message
    }
  }
  return out
}

export function customerNewRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/customers/new', (request, reply) => newCustomerPage(request, reply, deps, {}, null))

  app.post('/customers', async (request, reply) => {
    const body = formBody(request)
    const { input: raw, rowOf } = toInput(body)
    const parsed = createCustomerInput.safeParse(raw)
    if (!parsed.success) {
      return newCustomerPage(request, reply, deps, body, toFormErrors(fieldErrors(parsed.error) ?? {}, rowOf))
    }
    const actor = staffActor(request)
    let customerId: string
    try {
      customerId = (await createCustomer(deps.ctx, deps.resolveTenant, raw, actor)).id
    } catch (err) {
      // Unknown tenant, tenant already taken: the form is the place to say so.
      if (isClientDomainError(err)) {
        const errors = fieldErrors(err) ?? { tenant: err.detail }
        return newCustomerPage(request, reply, deps, body, toFormErrors(errors, rowOf))
      }
      throw err
    }
    if (field(body, 'issueLink') === 'on') {
      const link = await issueConsentLink(deps.ctx, deps.links, customerId, actor)
      await flash.set(reply, {
        tone: 'ok',
        text: `Customer created. Send this consent link to the customer’s Global Administrator; it is valid until ${link.expiresAt.toISOString().slice(0, 10)}.`,
        reveal: { label: 'Consent link', value: link.url },
      })
    } else {
      await flash.set(reply, { tone: 'ok', text: 'Customer created.' })
    }
    return reply.redirect(`/customers/${customerId}`, 303)
  })
}
