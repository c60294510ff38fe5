import type { FastifyInstance } from 'fastify'

export interface ReadinessProbe {
  name: string
  check(): Promise<void>
}

const PROBE_TIMEOUT_MS = 2_000

async function runProbe(probe: ReadinessProbe): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      probe.check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error('timed out'))
        }, PROBE_TIMEOUT_MS)
      }),
    ])
    return { name: probe.name, ok: true }
  } catch (err) {
    return { name: probe.name, ok: false, error: err instanceof Error ? err.message : 'failed' }
  } finally {
    clearTimeout(timer)
  }
}

/** `/healthz`: the process is alive. `/readyz`: it can serve, i.e. PostgreSQL and Redis answer. */
export function healthRoutes(app: FastifyInstance, probes: readonly ReadinessProbe[]) {
  app.get('/healthz', { config: { rateLimit: false } }, () => ({ status: 'ok' }))
  app.get('/readyz', { config: { rateLimit: false } }, async (_request, reply) => {
    const results = await Promise.all(probes.map(runProbe))
    const ready = results.every((r) => r.ok)
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results })
  })
}
