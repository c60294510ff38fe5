import type { Config } from '@crosstrust/config'
import type { Logger } from '@crosstrust/logger'
import { createAdminSignIn, loadClientCredential, resolveTenant } from '@crosstrust/microsoft'
import { createSummaryCache, type ServiceContext } from '@crosstrust/services'
import type { AppDeps } from './app.ts'
import type { Infrastructure } from './infrastructure.ts'
import { composeMetrics } from './metrics.ts'
import { redisRateLimitStore } from './plugins/rate-limit-store.ts'

/**
 * Who the client is and how often it may come: the proxies trusted for X-Forwarded-For and the rate
 * limits' shared Redis counters, namespaced under QUEUE_PREFIX like every other key of this deployment.
 */
export function composeEdge(
  config: Config,
  infra: Pick<Infrastructure, 'rateLimitRedis'>,
  logger: Logger,
): Pick<AppDeps, 'trustProxy' | 'rateLimitStore'> {
  return {
    trustProxy: config.TRUST_PROXY,
    rateLimitStore: redisRateLimitStore({ redis: infra.rateLimitRedis, prefix: config.QUEUE_PREFIX, logger }),
  }
}

/** Wires configuration and infrastructure into the route groups (the API's composition root). */
export function composeRoutes(
  config: Config,
  infra: Pick<Infrastructure, 'prisma' | 'queues'>,
): Pick<AppDeps, 'consent' | 'staffApi' | 'dashboard' | 'metrics'> {
  const webhookTargets = { allowedPrivateNetworks: config.WEBHOOK_ALLOWED_PRIVATE_NETWORKS }
  // One per API process, shared by the staff API and the dashboard: the overview counts are taken at most
  // every few seconds however many staff look, and every answer says how old they are.
  const summaries = createSummaryCache()
  const ctx: ServiceContext = {
    db: infra.prisma,
    now: () => new Date(),
    enqueue: (kind, payload) => infra.queues.enqueue(kind, payload),
  }
  return {
    metrics: composeMetrics(config, infra),
    consent: {
      ctx,
      partner: { name: config.PARTNER_NAME, tenantId: config.PARTNER_TENANT_ID },
      publicBaseUrl: config.PUBLIC_BASE_URL,
      consent: {
        loginUrl: config.MS_LOGIN_URL,
        clientId: config.APP_CLIENT_ID,
        redirectUri: `${config.PUBLIC_BASE_URL}/consent/callback`,
        partnerTenantId: config.PARTNER_TENANT_ID,
        partnerName: config.PARTNER_NAME,
        signIn: createAdminSignIn({
          loginUrl: config.MS_LOGIN_URL,
          clientId: config.APP_CLIENT_ID,
          credential: loadClientCredential({
            certificatePath: config.APP_CLIENT_CERTIFICATE_PATH,
            secret: config.APP_CLIENT_SECRET,
          }),
          redirectUri: `${config.PUBLIC_BASE_URL}/consent/signed-in`,
        }),
      },
    },
    staffApi: {
      ctx,
      resolveTenant: (domainOrId) => resolveTenant(config.MS_LOGIN_URL, domainOrId),
      links: { publicBaseUrl: config.PUBLIC_BASE_URL, ttlDays: config.CONSENT_LINK_TTL_DAYS },
      webhookTargets,
      summaries,
    },
    dashboard: {
      ctx,
      resolveTenant: (domainOrId) => resolveTenant(config.MS_LOGIN_URL, domainOrId),
      links: { publicBaseUrl: config.PUBLIC_BASE_URL, ttlDays: config.CONSENT_LINK_TTL_DAYS },
      webhookTargets,
      summaries,
      partnerName: config.PARTNER_NAME,
      defaultMode: config.DEFAULT_MODE,
      flashSecret: config.SESSION_SECRET ?? '',
      // Same rule as the session cookie: Secure unless development or plain http.
      secureCookies: config.NODE_ENV !== 'development' && config.PUBLIC_BASE_URL.startsWith('https:'),
    },
  }
}
