import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' }

/** From source (src/routes → ../../assets) and from the bundle (dist → ./assets). */
function assetsDir(): string {
  const candidates = ['../../assets/', './assets/'].map((p) => fileURLToPath(new URL(p, import.meta.url)))
  const found = candidates.find((dir) => existsSync(`${dir}app.css`))
  if (!found) throw new Error(`assets not found in ${candidates.join(' or ')}`)
  return found
}

/** The few static files pages use, loaded once and served with long-lived caching. */
export function assetRoutes(app: FastifyInstance) {
  const dir = assetsDir()
  for (const name of ['app.css', 'consent-status.js', 'dashboard.js']) {
    if (!existsSync(dir + name)) continue
    const body = readFileSync(dir + name)
    const type = TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream'
    app.get(`/assets/${name}`, { config: { rateLimit: false } }, (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=3600').send(body),
    )
  }
}
