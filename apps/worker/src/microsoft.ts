import type { Config } from '@crosstrust/config'
import type { Logger } from '@crosstrust/logger'
import {
  createGraphGateway,
  createTokenProvider,
  loadClientCredential,
  type ClientCredential,
} from '@crosstrust/microsoft'
import type { MicrosoftPromMetrics } from '@crosstrust/metrics'

/** The partner app credential: a client secret, or a PEM file with the certificate and its private key. */
export function loadCredential(config: Config): ClientCredential {
  return loadClientCredential({
    certificatePath: config.APP_CLIENT_CERTIFICATE_PATH,
    secret: config.APP_CLIENT_SECRET,
  })
}

/** `metrics` (optional): token cache/latency and Graph latency/error metrics (docs/metrics.md). */
export function createMicrosoftClients(config: Config, logger: Logger, metrics?: MicrosoftPromMetrics) {
  const msLogger = logger.child({ component: 'microsoft' })
  const tokens = createTokenProvider({
    loginUrl: config.MS_LOGIN_URL,
    clientId: config.APP_CLIENT_ID,
    credential: loadCredential(config),
    logger: msLogger,
    ...(metrics === undefined ? {} : { metrics: metrics.adapter }),
  })
  const gateway = createGraphGateway({ graphUrl: config.MS_GRAPH_URL, tokens, logger: msLogger })
  if (metrics === undefined) return { tokens, graph: gateway }
  metrics.tokenStats(() => tokens.stats())
  return { tokens, graph: metrics.instrument(gateway) }
}
