// Policy fields in the words an Entra administrator sees in the portal (consent landing page, dashboard).
import type { PolicyField } from '@crosstrust/core'

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
