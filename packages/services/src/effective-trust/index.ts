export {
  refreshEffectiveTrust,
  refreshTrustAfterCheck,
  type TrustRefreshInput,
  type TrustRefreshResult,
} from './refresh.ts'
