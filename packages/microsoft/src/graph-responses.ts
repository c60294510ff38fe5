// The shapes of the Graph responses the gateway reads (zod: a response of another shape is a transient
// failure, never a value), and how each becomes the gateway's value.
import { z } from 'zod'
import { type LicenceSummary, summarizeLicences } from './licences.ts'

/** A partner entry as Graph returns it; unknown properties are kept (drift logic ignores what it does not own). */
export type GraphPartner = { tenantId: string } & Record<string, unknown>

export interface Organization {
  id: string
  displayName: string | null
  verifiedDomains: { name: string; isDefault: boolean; isInitial: boolean }[]
}

const partnerSchema = z.looseObject({ tenantId: z.string() })
const organizationsSchema = z.object({
  value: z.array(
    z.looseObject({
      id: z.string(),
      displayName: z.string().nullable().default(null),
      verifiedDomains: z
        .array(
          z.looseObject({
            name: z.string(),
            isDefault: z.boolean().nullable().default(false),
            isInitial: z.boolean().nullable().default(false),
          }),
        )
        .default([]),
    }),
  ),
})
const skusSchema = z.object({
  value: z.array(
    z.looseObject({
      skuId: z.string(),
      skuPartNumber: z.string(),
      capabilityStatus: z.string(),
      servicePlans: z
        .array(z.looseObject({ servicePlanName: z.string(), provisioningStatus: z.string().optional() }))
        .default([]),
    }),
  ),
})

const policyPageSchema = z.looseObject({
  value: z.array(z.looseObject({})),
  '@odata.nextLink': z.string().optional(),
})

export const parsePartner = (raw: unknown): GraphPartner => partnerSchema.parse(raw)
export const parseObject = (raw: unknown): Record<string, unknown> => z.looseObject({}).parse(raw)
export const parseLicences = (raw: unknown): LicenceSummary => summarizeLicences(skusSchema.parse(raw).value)

export function parseOrganization(raw: unknown): Organization {
  const org = organizationsSchema.parse(raw).value[0]
  if (org === undefined) throw new Error('no organization in response')
  return {
    id: org.id,
    displayName: org.displayName,
    verifiedDomains: org.verifiedDomains.map((d) => ({
      name: d.name,
      isDefault: d.isDefault === true,
      isInitial: d.isInitial === true,
    })),
  }
}

export function parsePolicyPage(raw: unknown): {
  value: Record<string, unknown>[]
  nextLink: string | undefined
} {
  const parsed = policyPageSchema.parse(raw)
  return { value: parsed.value, nextLink: parsed['@odata.nextLink'] }
}
