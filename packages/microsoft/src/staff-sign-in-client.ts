// The confidential client that redeems the dashboard's staff sign-in codes (the partner tenant's staff app).
// Same MSAL authority settings as every other client here (msal-authority.ts).
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node'
import { silentLogger, type MicrosoftLogger } from './logger.ts'
import { msalAuthorityOptions } from './msal-authority.ts'

/** What the API's sign-in routes need of MSAL; other modules name it by this type only. */
export type StaffSignInClient = Pick<
  ConfidentialClientApplication,
  'getAuthCodeUrl' | 'acquireTokenByCode' | 'getTokenCache'
>

export function createStaffSignInClient(options: {
  loginUrl: string
  tenantId: string
  clientId: string
  clientSecret: string
  logger?: MicrosoftLogger
}): StaffSignInClient {
  // Only the origin counts (the API's settings already validated the URL).
  const login = new URL(options.loginUrl)
  const logger = options.logger ?? silentLogger
  return new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `${login.origin}/${options.tenantId}`,
      ...msalAuthorityOptions(login),
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
