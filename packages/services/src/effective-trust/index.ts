export { evaluateTrustForTenant, type TrustEvaluation, type TrustRefreshInput } from './refresh.ts'
export { persistTrust, trustColumns, type TrustSubject } from './persist-trust.ts'
