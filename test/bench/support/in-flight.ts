// How many requests were really in flight at once, from the simulator's request log: each entry's interval
// is [time − durationMs, time] (time is when the response left). C is what the worker asked for; this is
// what it achieved.
import type { RequestLogEntry } from '@crosstrust/ms-sim'

export interface InFlight {
  /** Most requests in flight at one moment. */
  max: number
  /** Time-weighted mean over the span from the first request's start to the last one's end. */
  mean: number
}

export function inFlight(entries: readonly Pick<RequestLogEntry, 'time' | 'durationMs'>[]): InFlight {
  if (entries.length === 0) return { max: 0, mean: 0 }
  const edges: [number, number][] = []
  let busyMs = 0
  for (const e of entries) {
    const end = Date.parse(e.time)
    edges.push([end - e.durationMs, 1], [end, -1])
    busyMs += e.durationMs
  }
  // Ends before starts at the same millisecond: back-to-back requests on one slot do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let current = 0
  let max = 0
  for (const [, delta] of edges) {
    current += delta
    if (current > max) max = current
  }
  const span = (edges.at(-1)?.[0] ?? 0) - (edges[0]?.[0] ?? 0)
  return { max, mean: span > 0 ? Math.round((busyMs / span) * 100) / 100 : 0 }
}
