// Shared setup of the Graph gateway tests: a gateway on the file's simulator fixture with fast retries,
// and the body of a compliant partner entry as the product writes it.
import {
  createGraphGateway,
  type GraphGatewayOptions,
  type RetryPolicy,
  type TokenProvider,
} from '../../src/index.ts'
import { fx, tokenProvider } from './sim-fixture.ts'

export const fastRetry: Partial<RetryPolicy> = {
  maxAttempts: 4,
  budgetMs: 10_000,
  baseDelayMs: 50,
  maxDelayMs: 200,
}

export function gateway(tokens: TokenProvider = tokenProvider(fx), extra: Partial<GraphGatewayOptions> = {}) {
  return createGraphGateway({ graphUrl: fx.sim.graphUrl, tokens, retry: fastRetry, ...extra })
}

export const desiredBody = {
  b2bCollaborationInbound: {
    usersAndGroups: { accessType: 'allowed', targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: {
      accessType: 'allowed',
      targets: [{ target: 'AllApplications', targetType: 'application' }],
    },
  },
  inboundTrust: {
    isMfaAccepted: true,
    isCompliantDeviceAccepted: true,
    isHybridAzureADJoinedDeviceAccepted: false,
  },
  automaticUserConsentSettings: { inboundAllowed: false },
}
