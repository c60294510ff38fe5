import { runOnboarding, type OnboardingSettings, type ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from '../deps.ts'
import { jobLog, type Processor } from '../registry.ts'
import { withTenantLock, type TenantLockRuntime } from '../tenant-jobs.ts'

/** The `onboard` job: runs the onboarding steps for one customer under its tenant lock. */
export function onboardProcessor(
  deps: Pick<WorkerDeps, 'tokens' | 'graph'>,
  ctx: ServiceContext,
  settings: OnboardingSettings,
  runtime: TenantLockRuntime,
): Processor<'onboard'> {
  return withTenantLock(runtime, async (payload, job) =>
    runOnboarding(
      {
        ctx,
        tokens: deps.tokens,
        graph: deps.graph,
        settings,
        signal: job.signal,
        attempt: { current: job.attempt, max: job.maxAttempts },
        log: jobLog(job),
      },
      payload.customerId,
    ),
  )
}
