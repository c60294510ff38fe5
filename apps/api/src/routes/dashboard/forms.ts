// Form plumbing for the dashboard: read urlencoded fields without trusting their shape, and render
// labelled inputs that carry their validation message (aria-invalid + aria-describedby).
import { DomainError, ValidationError } from '@crosstrust/core'
import type { FastifyRequest } from 'fastify'
import { ZodError } from 'zod'
import { html, type SafeHtml } from '../../html/html.ts'

export type FormBody = Record<string, string | string[] | undefined>

export function formBody(request: FastifyRequest): FormBody {
  const body = request.body
  return typeof body === 'object' && body !== null ? (body as FormBody) : {}
}

/** One text field (the first value when a name repeats), trimmed; '' when absent. */
export function field(body: FormBody, name: string): string {
  const v = body[name]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first.trim() : ''
}

/** Every value of a repeated field (checkbox groups). */
export function fields(body: FormBody, name: string): string[] {
  const v = body[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
}

export type FieldErrors = Record<string, string>

/** Field errors from a validation failure (zod or domain), keyed by the dotted path. */
export function fieldErrors(err: unknown): FieldErrors | null {
  if (err instanceof ZodError) {
    const out: FieldErrors = {}
    for (const issue of err.issues) out[issue.path.map(String).join('.')] ??= issue.message
    return out
  }
  if (err instanceof ValidationError) {
    const out: FieldErrors = {}
    for (const issue of err.issues) out[issue.path] ??= issue.message
    if (err.issues.length === 0) out[''] = err.detail
    return out
  }
  return null
}

/** A message safe to show staff for an expected failure (domain errors); null for anything else. */
export function userMessage(err: unknown): string | null {
  if (err instanceof ValidationError && err.issues.length > 0) {
    return `${err.detail} ${err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`
  }
  if (err instanceof DomainError && err.status < 500) return err.detail
  return null
}

interface InputOptions {
  name: string
  label: string
  value?: string
  error?: string | undefined
  hint?: string
  type?: string
  required?: boolean
  placeholder?: string
  autocomplete?: string
  textarea?: boolean
  rows?: number
  className?: string
}

export function input(o: InputOptions): SafeHtml {
  const id = `f-${o.name}`
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ')
  const attrs = html`id="${id}" name="${o.name}" ${o.required ? html`required` : ''}
  ${o.placeholder ? html`placeholder="${o.placeholder}"` : ''}
  ${described ? html`aria-describedby="${described}"` : ''} ${o.error ? html`aria-invalid="true"` : ''}
  autocomplete="${o.autocomplete ?? 'off'}"`
  return html`<div class="field ${o.error ? 'has-error' : ''} ${o.className ?? ''}">
    <label for="${id}"
      >${o.label}${o.required ? html` <span class="req" aria-hidden="true">*</span>` : ''}</label
    >
    ${
      o.textarea
        ? html`<textarea ${attrs} rows="${o.rows ?? 4}">${o.value ?? ''}</textarea>`
        : html`<input ${attrs} type="${o.type ?? 'text'}" value="${o.value ?? ''}" />`
    }
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
  </div>`
}

export function select(o: {
  name: string
  label: string
  options: readonly (readonly [value: string, label: string])[]
  value: string
  hint?: string
  error?: string | undefined
}): SafeHtml {
  const id = `f-${o.name}`
  return html`<div class="field ${o.error ? 'has-error' : ''}">
    <label for="${id}">${o.label}</label>
    <select
      id="${id}"
      name="${o.name}"
      ${o.error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}
    >
      ${o.options.map(
        ([value, label]) =>
          html`<option value="${value}" ${value === o.value ? html`selected` : ''}>${label}</option>`,
      )}
    </select>
    ${o.hint ? html`<p class="hint">${o.hint}</p>` : ''}
    ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
  </div>`
}

/** The summary at the top of a form that failed validation (links to each field, announced). */
export function errorSummary(errors: FieldErrors | null, labels: Record<string, string>): SafeHtml {
  if (!errors || Object.keys(errors).length === 0) return html``
  return html`<div class="notice bad" role="alert" tabindex="-1" id="error-summary">
    <p><strong>Nothing was saved.</strong> Please correct the following:</p>
    <ul>
      ${Object.entries(errors).map(([path, message]) =>
        path && labels[path]
          ? html`<li><a href="#f-${path}">${labels[path]}</a>: ${message}</li>`
          : html`<li>${message}</li>`,
      )}
    </ul>
  </div>`
}
