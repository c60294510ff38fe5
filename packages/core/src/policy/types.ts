// A policy definition is data: the fields of the Graph partner object we own, the value each must have,
// how to compare it, and whether a difference is repaired or only reported. Publishing a new version is
// publishing new data (see README), never editing literals scattered through the code.

export type AccessType = 'allowed' | 'blocked'

export interface AccessTarget {
  target: string
  targetType: 'user' | 'group' | 'application'
}

/** Graph `crossTenantAccessPolicyTargetConfiguration`. */
export interface AccessSetting {
  accessType: AccessType
  targets: AccessTarget[]
}

export type Remediation = 'repairable' | 'report_only'

interface FieldBase {
  /** Dotted path in the partner object, e.g. `inboundTrust.isMfaAccepted`. */
  path: string
  /** Portal wording, so staff and customer admins recognise the setting from the guide. */
  label: string
  remediation: Remediation
}

/** Exact boolean: `null` (inherited) is not equal to the desired value. */
export interface BooleanField extends FieldBase {
  comparator: 'exact_boolean'
  desired: boolean
}

/** Access setting: accessType equal; targets equal as a set, case-insensitively. */
export interface AccessSettingField extends FieldBase {
  comparator: 'access_setting'
  desired: AccessSetting
}

/** Must be `null` (or absent): inherited from the customer's default policy. */
export interface InheritedField extends FieldBase {
  comparator: 'inherited'
  desired: null
}

/** `false`, or `null` which inherits the service default that is always false. */
export interface FalseOrNullField extends FieldBase {
  comparator: 'false_or_null'
  desired: false
}

export type PolicyField = BooleanField | AccessSettingField | InheritedField | FalseOrNullField

export type ComparatorKind = PolicyField['comparator']

export interface PolicyDefinition {
  version: number
  /** Short human description of what changed in this version. */
  description: string
  fields: PolicyField[]
}
