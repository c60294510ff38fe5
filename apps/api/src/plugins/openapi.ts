import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform } from 'fastify-type-provider-zod'

/**
 * OpenAPI for the staff JSON API, generated from the routes' zod schemas: the document at /docs/json and
 * Swagger UI at /docs (public in the route table: it describes the API, it grants nothing). Only /api/
 * routes are documented. Register after the auth plugin (the UI's routes must be in the table) and before
 * the API routes (swagger collects routes as they are added).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Crosstrust staff API',
        version: '1',
        description:
          'Onboarding and monitoring of the partner cross-tenant access policy. Authenticate with an Entra ID ' +
          'access token for the staff app (roles Viewer < Operator < Admin). Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input)
      return input.url.startsWith('/api/') ? out : { ...out, schema: { ...out.schema, hide: true } }
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } })
}
