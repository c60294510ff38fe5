// Labelled form fields that carry their validation message (aria-invalid + aria-describedby), and the
// summary at the top of a form that failed validation.
import type { FieldErrors } from '../forms.ts'

/** A field's validation message, which its input names in `aria-describedby`. */
function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p class="error" id={`${id}-error`}>
      {error}
    </p>
  ) : null
}

export interface TextFieldProps {
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
  maxlength?: number
  className?: string
}

export function TextField(o: TextFieldProps) {
  const id = `f-${o.name}`
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ')
  const attrs = {
    id,
    name: o.name,
    required: o.required === true,
    placeholder: o.placeholder,
    maxlength: o.maxlength,
    'aria-describedby': described || undefined,
    'aria-invalid': o.error ? 'true' : undefined,
    autocomplete: o.autocomplete ?? 'off',
  }
  return (
    <div class={`field ${o.error ? 'has-error' : ''} ${o.className ?? ''}`}>
      <label for={id}>
        {o.label}
        {o.required ? (
          <>
            {' '}
            <span class="req" aria-hidden="true">
              *
            </span>
          </>
        ) : null}
      </label>
      {o.textarea ? (
        <textarea {...attrs} rows={o.rows ?? 4}>
          {o.value ?? ''}
        </textarea>
      ) : (
        <input {...attrs} type={o.type ?? 'text'} value={o.value ?? ''} />
      )}
      {o.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {o.hint}
        </p>
      ) : null}
      <FieldError id={id} error={o.error} />
    </div>
  )
}

export function SelectField(o: {
  name: string
  label: string
  options: readonly (readonly [value: string, label: string])[]
  value: string
  hint?: string
  error?: string | undefined
}) {
  const id = `f-${o.name}`
  return (
    <div class={`field ${o.error ? 'has-error' : ''}`}>
      <label for={id}>{o.label}</label>
      <select
        id={id}
        name={o.name}
        aria-invalid={o.error ? 'true' : undefined}
        aria-describedby={o.error ? `${id}-error` : undefined}
      >
        {o.options.map(([value, label]) => (
          <option value={value} selected={value === o.value}>
            {label}
          </option>
        ))}
      </select>
      {o.hint ? <p class="hint">{o.hint}</p> : null}
      <FieldError id={id} error={o.error} />
    </div>
  )
}

/** The summary at the top of a form that failed validation (links to each field, announced). */
export function ErrorSummary({
  errors,
  labels,
}: {
  errors: FieldErrors | null
  labels: Record<string, string>
}) {
  if (!errors || Object.keys(errors).length === 0) return null
  return (
    <div class="notice bad" role="alert" tabindex={-1} id="error-summary">
      <p>
        <strong>Nothing was saved.</strong> Please correct the following:
      </p>
      <ul>
        {Object.entries(errors).map(([path, message]) =>
          path && labels[path] ? (
            <li>
              <a href={`#f-${path}`}>{labels[path]}</a>: {message}
            </li>
          ) : (
            <li>{message}</li>
          ),
        )}
      </ul>
    </div>
  )
}
