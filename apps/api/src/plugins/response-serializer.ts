// Response serialisation: each route's zod response schema is compiled ONCE into a fast-json-stringify
// function (https://github.com/fastify/fast-json-stringify) through the schema's JSON Schema form, so a page
// of customers is written without validating every row on every request (fastify-type-provider-zod's
// serializer re-parses the whole response with zod first, which cost a list page more CPU than its SQL).
//
// Why that is safe: the handlers return what the services return, typed by the same schemas
// (`ZodTypeProvider`), so the shape is checked when the code compiles; and the compiled function writes only
// the properties the schema declares (an object's other properties are dropped, as zod's own output does),
// so a field that is not in the API's contract cannot leak through a response. What it does not do is
// re-check values at run time: a value of the wrong type is coerced (a null string is written as "") where
// zod failed the response, and refinements are not run; test/response-serializer.test.ts holds the output to
// zod's for the same data.
//
// A schema with parts JSON Schema cannot express (a transform, a custom check) keeps the type provider's
// zod serialiser, which encodes through them.
import fastJsonStringify from 'fast-json-stringify'
import type { FastifySerializerCompiler } from 'fastify'
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod'
import { z } from 'zod'

type Serializer = (data: unknown) => string

/** zod kinds whose output JSON Schema does not describe (their values are computed or opaque). */
const NOT_COMPILABLE = new Set<string>([
  'transform',
  'pipe',
  'custom',
  'lazy',
  'promise',
  'function',
  'bigint',
  'symbol',
  'map',
  'set',
  'nan',
  'undefined',
  'void',
])

/** The compiled serialiser of a zod schema, or null when the schema has parts JSON Schema cannot express. */
export function compileSerializer(schema: z.ZodType): Serializer | null {
  const uncompilable: string[] = []
  const jsonSchema = z.toJSONSchema(schema, {
    io: 'output',
    target: 'draft-7',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema: out }) => {
      const kind = zodSchema._zod.def.type
      // Dates leave as ISO 8601 strings, as JSON.stringify writes them.
      if (kind === 'date') Object.assign(out, { type: 'string', format: 'date-time' })
      else if (zodSchema instanceof z.ZodObject) relaxObject(zodSchema, out)
      else if (NOT_COMPILABLE.has(kind)) uncompilable.push(kind)
    },
  })
  if (uncompilable.length > 0) return null
  return fastJsonStringify(jsonSchema as Parameters<typeof fastJsonStringify>[0])
}

/**
 * Makes an object's JSON Schema describe what zod's serialiser accepted, not more strictly:
 * - no `additionalProperties: false`: fast-json-stringify drops unlisted properties without it too, but
 *   where an object is one branch of a choice (a nullable object, a union) the branch is picked by
 *   validating against each, and the keyword would make an object with one extra property match none and
 *   fail the whole response, where zod stripped the property;
 * - `z.unknown()` and `z.any()` properties are not required: zod lets them be undefined (and leaves them out).
 */
function relaxObject(schema: z.ZodObject, out: Record<string, unknown>): void {
  if (out.additionalProperties === false) delete out.additionalProperties
  if (!Array.isArray(out.required)) return
  const shape = schema.shape as Record<string, z.ZodType>
  out.required = (out.required as string[]).filter((key) => {
    const kind = shape[key]?._zod.def.type
    return kind !== 'unknown' && kind !== 'any'
  })
}

/** Fastify's serializer compiler: compiled where the schema allows, the zod serialiser elsewhere. */
export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = (routeSchema) => {
  const { schema } = routeSchema
  if (schema instanceof z.ZodType) {
    const compiled = compileSerializer(schema)
    if (compiled !== null) return compiled
  }
  return zodSerializerCompiler(routeSchema as Parameters<typeof zodSerializerCompiler>[0])
}
