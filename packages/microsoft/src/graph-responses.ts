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
/**
 * A JSON object (not null, not an array), passed on as it is: the reads that keep a whole object (a policy,
 * the authorization policy) check only that much, and copying every property (what an empty
 * `z.looseObject` does) costs a check more than the rest of its parsing.
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (raw) => typeof raw === 'object' && raw !== null && !Array.isArray(raw),
  'expected a JSON object',
)
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
  value: z.array(jsonObject),
  '@odata.nextLink': z.string().optional(),
})

export const parsePartner = (raw: unknown): GraphPartner => partnerSchema.parse(raw)
export const parseObject = (raw: unknown): Record<string, unknown> => jsonObject.parse(raw)
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

/**
 * One answer inside a JSON batch (https://learn.microsoft.com/graph/json-batching): `headers` may be absent
 * and its names come in any case (Microsoft's own examples mix `Content-Type` and `location`), `body` is
 * absent or null for a 204. Headers are kept by lower-case name in a plain map: a fetch `Headers` per answer
 * (its WebIDL checks included) cost more than the rest of reading the answer.
 */
export interface BatchAnswer {
  id: string
  status: number
  headers: ReadonlyMap<string, string>
  body: unknown
}

const batchEnvelopeSchema = z.object({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
      body: z.unknown().optional(),
    }),
  ),
})

/** The answers of a batch by id (they may come in any order). */
export function parseBatchEnvelope(raw: unknown): Map<string, BatchAnswer> {
  const answers = new Map<string, BatchAnswer>()
  for (const r of batchEnvelopeSchema.parse(raw).responses) {
    const headers = new Map<string, string>()
    for (const [name, value] of Object.entries(r.headers ?? {}))
      headers.set(name.toLowerCase(), String(value))
    answers.set(r.id, { id: r.id, status: r.status, headers, body: r.body })
  }
  return answers
}

const graphErrorBodySchema = z.object({
  error: z.looseObject({
    code: z.string().optional(),
    message: z.string().optional(),
    innerError: z.looseObject({ 'request-id': z.string().optional() }).optional(),
  }),
})

/** Graph's `{ error: { code, message, innerError } }`, as far as a body has it. */
export function parseGraphErrorBody(raw: unknown): {
  code: string | undefined
  message: string | undefined
  requestId: string | undefined
} {
  const parsed = graphErrorBodySchema.safeParse(raw)
  if (!parsed.success) return { code: undefined, message: undefined, requestId: undefined }
  const { code, message, innerError } = parsed.data.error
  return { code, message, requestId: innerError?.['request-id'] }
}
