import type { FastifyBaseLogger, FastifyInstance } from 'fastify'

export interface ReadinessProbe {
  name: string
  check(): Promise<void>
}

const PROBE_TIMEOUT_MS = 2_000
// Readiness is public (load balancers, orchestrators) and each call costs a database and a Redis round
// trip; 120 a minute per client is far above any probe interval and bounds what a flood can cost.
const READYZ_RATE_LIMIT = { max: 120, timeWindow: '1 minute' }

async function runProbe(
  probe: ReadinessProbe,
  log: FastifyBaseLogger,
): Promise<{ name: string; ok: boolean }> {
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
    // The reason stays in our logs: driver messages name hosts, users and databases, none of which an
    // anonymous caller needs to know which dependency is down.
    log.warn(
      { probe: probe.name, err: { message: err instanceof Error ? err.message : String(err) } },
      'readiness probe failed',
    )
    return { name: probe.name, ok: false }
  } finally {
    clearTimeout(timer)
  }
}

/** `/healthz`: the process is alive. `/readyz`: it can serve, i.e. PostgreSQL and Redis answer. */
export function healthRoutes(app: FastifyInstance, probes: readonly ReadinessProbe[]) {
  app.get('/healthz', { config: { rateLimit: false } }, () => ({ status: 'ok' }))
  app.get('/readyz', { config: { rateLimit: READYZ_RATE_LIMIT } }, async (request, reply) => {
    const results = await Promise.all(probes.map((probe) => runProbe(probe, request.log)))
    const ready = results.every((r) => r.ok)
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results })
  })
}
