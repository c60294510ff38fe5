import { z } from 'zod'
import type { PolicyDefinition } from './types.ts'
import { splitPath, topLevelOf } from './paths.ts'

// Validates a policy definition published as JSON, so a new version cannot introduce a body Graph would
// reject or that would silently break the "always send every member we own" rule.

/** Partner properties Graph lets us PATCH (reference section 1d). `tenantId` and `isServiceProvider` are not. */
export const UPDATABLE_PARTNER_PROPERTIES = [
  'appServiceConnectInbound',
  'automaticUserConsentSettings',
  'b2bCollaborationInbound',
  'b2bCollaborationOutbound',
  'b2bDirectConnectInbound',
  'b2bDirectConnectOutbound',
  'inboundTrust',
  'm365CollaborationInbound',
  'm365CollaborationOutbound',
  'tenantRestrictions',
] as const

const pathSchema = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/, 'must be a dotted camelCase path')
  .refine((path) => (UPDATABLE_PARTNER_PROPERTIES as readonly string[]).includes(topLevelOf(path)), {
    error: `top-level property must be one of: ${UPDATABLE_PARTNER_PROPERTIES.join(', ')}`,
  })

const base = {
  path: pathSchema,
  label: z.string().trim().min(1),
  remediation: z.enum(['repairable', 'report_only']),
}

const accessSettingSchema = z.strictObject({
  accessType: z.enum(['allowed', 'blocked']),
  targets: z
    .array(
      z.strictObject({ target: z.string().min(1), targetType: z.enum(['user', 'group', 'application']) }),
    )
    .min(1),
})

const fieldSchema = z.discriminatedUnion('comparator', [
  z.strictObject({ ...base, comparator: z.literal('exact_boolean'), desired: z.boolean() }),
  z.strictObject({ ...base, comparator: z.literal('access_setting'), desired: accessSettingSchema }),
  z.strictObject({ ...base, comparator: z.literal('inherited'), desired: z.null() }),
  z.strictObject({ ...base, comparator: z.literal('false_or_null'), desired: z.literal(false) }),
])

export const policyDefinitionSchema = z
  .strictObject({
    version: z.int().positive(),
    description: z.string().trim().min(1),
    fields: z.array(fieldSchema).min(1),
  })
  .superRefine((definition, ctx) => {
    const paths = definition.fields.map((field) => field.path)
    paths.forEach((path, index) => {
      const clash = paths.find(
        (other, otherIndex) => otherIndex !== index && (other === path || other.startsWith(`${path}.`)),
      )
      if (clash !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'path'], message: `overlaps with ${clash}` })
      }
    })
    // A PATCH replaces or merges a whole top-level object (undocumented which), so every member we own in
    // one object must share a remediation; otherwise repairing one member could clobber a reported one.
    const remediationByTop = new Map<string, string>()
    definition.fields.forEach((field, index) => {
      const top = topLevelOf(field.path)
      const seen = remediationByTop.get(top)
      if (seen !== undefined && seen !== field.remediation) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'remediation'],
          message: `all fields under ${top} must share one remediation`,
        })
      }
      remediationByTop.set(top, field.remediation)
      if (field.comparator === 'inherited' && splitPath(field.path).length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'path'],
          message: 'inherited fields must be top-level',
        })
      }
    })
    // Graph: access for users and groups must match access for applications (reference section 3).
    definition.fields.forEach((field, index) => {
      if (field.comparator !== 'access_setting') return
      const segments = splitPath(field.path)
      const half = segments.at(-1)
      if (half !== 'usersAndGroups' && half !== 'applications') return
      const otherPath = [
        ...segments.slice(0, -1),
        half === 'usersAndGroups' ? 'applications' : 'usersAndGroups',
      ].join('.')
      const other = definition.fields.find((candidate) => candidate.path === otherPath)
      if (other?.comparator !== 'access_setting') {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'path'],
          message: `requires ${otherPath} as well`,
        })
      } else if (other.desired.accessType !== field.desired.accessType) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', index, 'desired', 'accessType'],
          message: `must equal the accessType of ${otherPath}`,
        })
      }
    })
  })

/** Parses untrusted JSON into a definition; throws a ZodError naming each problem. */
export function parsePolicyDefinition(input: unknown): PolicyDefinition {
  return policyDefinitionSchema.parse(input)
}
