// The onboarding wait on the worker's shutdown signal: one signal for the whole process, so a wait that
// ends must take its abort listener with it (eleven left behind is Node's "possible memory leak" warning).
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { sleep } from '../../src/onboarding/sleep.ts'

describe('onboarding sleep', () => {
  it('leaves no abort listener behind on the shared signal after the waits end', async () => {
    const shutdown = new AbortController()
    for (let i = 0; i < 12; i++) await sleep(1, shutdown.signal)
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0)
  })

  it('still rejects at once when the signal aborts during a wait', async () => {
    const shutdown = new AbortController()
    const started = Date.now()
    const waiting = sleep(10_000, shutdown.signal)
    shutdown.abort()
    await expect(waiting).rejects.toThrow('aborted')
    expect(Date.now() - started).toBeLessThan(1_000)
    await expect(sleep(1, shutdown.signal)).rejects.toThrow('aborted')
  })
})
