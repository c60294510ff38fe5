import { readFileSync } from 'node:fs'
import type { Config } from '@crosstrust/config'
import type { Logger } from '@crosstrust/logger'
import { createGraphGateway, createTokenProvider, type ClientCredential } from '@crosstrust/microsoft'
import type { MicrosoftPromMetrics } from '@crosstrust/metrics'

/** The partner app credential: a client secret, or a PEM file with the certificate and its private key. */
export function loadCredential(config: Config): ClientCredential {
  if (config.APP_CLIENT_CERTIFICATE_PATH) {
    const pem = readFileSync(config.APP_CLIENT_CERTIFICATE_PATH, 'utf8')
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0]
    const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0]
    if (!cert || !key) {
      throw new Error('APP_CLIENT_CERTIFICATE_PATH must contain a PEM certificate and its PEM private key')
    }
    return { kind: 'certificate', certificatePem: cert, privateKeyPem: key }
  }
  return { kind: 'secret', secret: config.APP_CLIENT_SECRET ?? '' }
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
