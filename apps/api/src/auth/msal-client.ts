// The confidential client that redeems dashboard sign-in codes. For login.microsoftonline.com MSAL has
// built-in metadata; for any other host (a national cloud we do not hard-code, or the simulator) the host is
// declared known and the OpenID metadata is given with `{tenant}` placeholders, so MSAL makes no discovery
// calls and only the token POST reaches the network.
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node'
import type { Logger } from '@crosstrust/logger'
import type { AuthSettings } from './settings.ts'

const MICROSOFT_LOGIN_HOST = 'login.microsoftonline.com'

/** The staff sign-in client; other modules name it by this type, so only this file imports MSAL. */
export type StaffMsalClient = ConfidentialClientApplication

export function createStaffMsalClient(settings: AuthSettings, logger: Logger): StaffMsalClient {
  const login = new URL(settings.loginUrl)
  const custom = login.hostname.toLowerCase() !== MICROSOFT_LOGIN_HOST || login.port !== ''
  const origin = login.origin
  return new ConfidentialClientApplication({
    auth: {
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      authority: `${origin}/${settings.tenantId}`,
      ...(custom
        ? {
            // MSAL compares host *and* port.
            knownAuthorities: [login.host],
            authorityMetadata: JSON.stringify({
              authorization_endpoint: `${origin}/{tenant}/oauth2/v2.0/authorize`,
              token_endpoint: `${origin}/{tenant}/oauth2/v2.0/token`,
              issuer: `${origin}/{tenant}/v2.0`,
              jwks_uri: `${origin}/{tenant}/discovery/v2.0/keys`,
              end_session_endpoint: `${origin}/{tenant}/oauth2/v2.0/logout`,
            }),
          }
        : {}),
    },
    system: {
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (level === LogLevel.Error) logger.error({ component: 'msal' }, message)
          else logger.warn({ component: 'msal' }, message)
        },
      },
    },
  })
}
