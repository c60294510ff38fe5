// The worker's composition: one processor per job kind, each in its own file under processors/. The
// registry type requires a processor for every kind in @crosstrust/jobs.
import { createCheckLimiter, type ServiceContext } from '@crosstrust/services'
import type { WorkerDeps } from './deps.ts'
import { applyProcessor } from './processors/apply.ts'
import { attributeDriftProcessor } from './processors/attribute-drift.ts'
import { checkBatchProcessor } from './processors/check-batch.ts'
import { checkProcessor } from './processors/check.ts'
import { emailProcessor } from './processors/email.ts'
import { linkCleanupProcessor } from './processors/link-cleanup.ts'
import { notifyProcessor } from './processors/notify.ts'
import { offboardProcessor } from './processors/offboard.ts'
import { onboardProcessor } from './processors/onboard.ts'
import { sweepProcessor } from './processors/sweep.ts'
import type { ProcessorRegistry } from './registry.ts'
import { monitoringSettings, onboardingSettings } from './settings.ts'
import { tenantLockRuntime } from './tenant-jobs.ts'

export type { WorkerDeps } from './deps.ts'
export { onboardingSettings } from './settings.ts'

/** Every job kind this worker handles, composed from the services. */
export function buildRegistry(deps: WorkerDeps): ProcessorRegistry {
  const ctx: ServiceContext = {
    db: deps.db,
    now: () => new Date(),
    enqueue: (kind, payload, options) =>
      deps.queues.enqueue(kind, payload, options?.delayMs === undefined ? {} : { delay: options.delayMs }),
  }
  const settings = monitoringSettings(deps)
  const locks = tenantLockRuntime(deps, settings)
  const monitoring = { deps, ctx, settings, locks }
  return {
    onboard: onboardProcessor(deps, ctx, onboardingSettings(deps), locks),
    check: checkProcessor(monitoring),
    // One limit per process on checks in flight, shared by the batches it runs at once.
    'check-batch': checkBatchProcessor(monitoring, createCheckLimiter(deps.config.WORKER_CONCURRENCY)),
    apply: applyProcessor(monitoring),
    offboard: offboardProcessor(monitoring),
    sweep: sweepProcessor(deps, settings, locks),
    notify: notifyProcessor(deps),
    'attribute-drift': attributeDriftProcessor(monitoring),
    'link-cleanup': linkCleanupProcessor(deps),
    email: emailProcessor(deps, ctx),
  }
}
