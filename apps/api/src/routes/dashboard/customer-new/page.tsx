// The "New customer" form: every message next to its field after a failed POST, values kept.
import { field, type FieldErrors, type FormBody } from '../forms.ts'
import { ErrorSummary, SelectField, TextField } from '../ui/fields.tsx'
import { CsrfField } from '../ui/staff-page.tsx'

export interface NewCustomerFormProps {
  values: FormBody
  errors: FieldErrors | null
  labels: Record<string, string>
  contactRows: number
  defaultMode: string
  csrfToken: string | null
}

export function NewCustomerForm(props: NewCustomerFormProps) {
  const { errors, labels } = props
  const v = (name: string) => field(props.values, name)
  // A first visit ticks "issue a link"; after a failed POST the box keeps what was sent.
  const issueLink = errors === null ? true : v('issueLink') === 'on'
  const rows = Array.from({ length: props.contactRows }, (_, i) => String(i + 1))
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/customers">Customers</a> / New
      </nav>
      <h1>New customer</h1>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action="/customers" class="panel form" novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField
          name="name"
          label={labels.name ?? 'Name'}
          value={v('name')}
          error={errors?.name}
          required
          autocomplete="organization"
        />
        <TextField
          name="tenant"
          label={labels.tenant ?? 'Tenant'}
          value={v('tenant')}
          error={errors?.tenant}
          hint="The customer’s Microsoft Entra tenant ID (a GUID) or one of its verified domains, e.g. contoso.com. Optional: without it, any tenant whose Global Administrator uses the link is accepted."
          className="mono-input"
        />
        <fieldset>
          <legend>
            Contacts <span class="muted">(optional)</span>
          </legend>
          {rows.map((n) => (
            <div class="contact-row">
              <TextField
                name={`contactName${n}`}
                label="Name"
                value={v(`contactName${n}`)}
                error={errors?.[`contactName${n}`]}
                autocomplete="off"
              />
              <TextField
                name={`contactEmail${n}`}
                label="Email"
                type="email"
                value={v(`contactEmail${n}`)}
                error={errors?.[`contactEmail${n}`]}
              />
              <TextField
                name={`contactRole${n}`}
                label="Role"
                value={v(`contactRole${n}`)}
                placeholder="e.g. Global Administrator"
                error={errors?.[`contactRole${n}`]}
              />
            </div>
          ))}
        </fieldset>
        <TextField name="notes" label="Notes" value={v('notes')} error={errors?.notes} textarea rows={3} />
        <SelectField
          name="mode"
          label="Monitoring mode"
          value={v('mode')}
          error={errors?.mode}
          options={[
            ['', `Default (${props.defaultMode})`],
            ['report', 'Report: record drift only'],
            ['alert', 'Alert: record and notify'],
            ['remediate', 'Remediate: repair, verify and notify'],
          ]}
        />
        <div class="field checkbox">
          <input type="checkbox" id="f-issueLink" name="issueLink" checked={issueLink} />
          <label for="f-issueLink">Issue a consent link right away</label>
        </div>
        <div class="actions">
          <button type="submit">Create customer</button>
          <a class="button secondary" href="/customers">
            Cancel
          </a>
        </div>
      </form>
    </>
  )
}
