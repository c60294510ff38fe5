// Response serialisation: each route's zod response schema is compiled ONCE into a fast-json-stringify
// function (https://github.com/fastify/fast-json-stringify) through the schema's JSON Schema form, so a page
// of customers is written without validating every row on every request (fastify-type-provider-zod's
// serializer re-parses the whole response with zod first, which cost a list page more CPU than its SQL).
//
// Why that is safe: the handlers return what the services return, typed by the same schemas
// (`ZodTypeProvider`), so the shape is checked when the code compiles; and the compiled function writes only
// the properties the schema declares (an object's other properties are dropped, as zod's own output does),
// so a field that is not in the API's contract cannot leak through a response. What it does not do is
// re-check values at run time (test/response-serializer.test.ts holds it to zod's output for the same data).
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
      else if (NOT_COMPILABLE.has(kind)) uncompilable.push(kind)
    },
  })
  if (uncompilable.length > 0) return null
  return fastJsonStringify(jsonSchema as Parameters<typeof fastJsonStringify>[0])
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
