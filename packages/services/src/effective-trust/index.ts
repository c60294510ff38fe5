export {
  evaluateTrustForTenant,
  refreshEffectiveTrust,
  type TrustEvaluation,
  type TrustRefreshInput,
  type TrustRefreshResult,
} from './refresh.ts'
export { persistTrust, trustColumns, type TrustSubject } from './persist-trust.ts'
