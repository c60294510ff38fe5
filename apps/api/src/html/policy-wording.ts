import type { PolicyDefinition, PolicyField } from '@crosstrust/core'
import { html, type SafeHtml } from './html.ts'

/** The desired value in the words an Entra administrator sees in the portal. */
export function describeDesired(field: PolicyField, partnerName: string): string {
  switch (field.comparator) {
    case 'access_setting': {
      const all = field.desired.targets.some((t) => /^All(Users|Applications)$/i.test(t.target))
      const verb = field.desired.accessType === 'allowed' ? 'Allow access' : 'Block access'
      if (field.path.endsWith('usersAndGroups'))
        return `${verb}: ${all ? `all ${partnerName} users and groups` : 'selected users and groups'}`
      return `${verb}: ${all ? 'all applications' : 'selected applications'}`
    }
    case 'exact_boolean':
      return field.desired ? 'On (checked)' : 'Off (unchecked)'
    case 'false_or_null':
      return 'Off (unchecked)'
    case 'inherited':
      return 'Inherited from default (not changed)'
  }
}

export function policyTable(policy: PolicyDefinition, partnerName: string): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Setting in Entra admin center</th>
        <th scope="col">Value for ${partnerName}</th>
      </tr>
    </thead>
    <tbody>
      ${policy.fields.map(
        (f) =>
          html`<tr>
            <td>${f.label.split(':')[0]}</td>
            <td>${describeDesired(f, partnerName)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`
}
