// The chaos suite's disruptions: the simulator's fault mix, and the progress gate that triggers each
// disruption while work is in flight.
import type { RequestLogEntry } from '@crosstrust/ms-sim'
import type { System } from '../support/system.ts'
import { eventually, type WorkerProcess } from './support.ts'

type SimState = System['sim']['state']

/** Latency, 429s, 503/504s and connection resets on Graph and login; returns the rule ids (latency first). */
export function addGraphAndLoginFaults(state: SimState): string[] {
  return [
    state.faults.add({ kind: 'latency', origin: 'graph', latencyMs: 100, latencyMaxMs: 250 }),
    state.faults.add({ kind: 'throttle', origin: 'graph', probability: 0.06, retryAfterSeconds: 1 }),
    state.faults.add({ kind: 'throttle', origin: 'login', probability: 0.03, retryAfterSeconds: 1 }),
    state.faults.add({
      kind: 'error',
      origin: 'graph',
      status: 503,
      probability: 0.04,
      retryAfterSeconds: 1,
    }),
    state.faults.add({ kind: 'error', origin: 'graph', status: 504, probability: 0.03 }),
    state.faults.add({ kind: 'error', origin: 'login', status: 503, probability: 0.02 }),
    state.faults.add({ kind: 'reset', origin: 'graph', probability: 0.03 }),
    state.faults.add({ kind: 'reset', origin: 'login', probability: 0.02 }),
  ].map((rule) => rule.id)
}

/**
 * Disruptions are triggered by progress, so they always hit work in flight however fast or loaded the
 * machine is; each waits at most `waitMs` for its threshold (a slow machine still gets every disruption).
 * `seen` keeps the percentage reached at each gate.
 */
export function progressGate(
  progress: () => Promise<number>,
  say: (line: string) => void,
  workers: readonly WorkerProcess[],
) {
  const seen: number[] = []
  async function atProgress(fraction: number, waitMs = 120_000): Promise<number> {
    await eventually(
      `${String(fraction * 100)} % progress`,
      async () => (await progress()) >= fraction,
      waitMs,
    ).catch(() => {
      say(`no ${String(fraction * 100)} % progress within ${String(waitMs)} ms; worker output:`)
      for (const w of workers) say(`${w.name}: ${w.lines.slice(-5).join('\n')}`)
    })
    const pct = Math.round((await progress().catch(() => 0)) * 100)
    seen.push(pct)
    return pct
  }
  return { atProgress, seen }
}

/** Tenants among `tenants` that received a write (POST or PATCH) to their partner entries. */
export function tenantsWrittenTo(log: readonly RequestLogEntry[], tenants: readonly string[]): Set<string> {
  const wanted = new Set(tenants)
  return new Set(
    log
      .filter(
        (e) =>
          e.origin === 'graph' &&
          (e.method === 'PATCH' || e.method === 'POST') &&
          e.path.includes('/partners') &&
          e.tenant !== null &&
          wanted.has(e.tenant),
      )
      .map((e) => e.tenant ?? ''),
  )
}
