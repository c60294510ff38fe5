// Resource figures of a child process and of this one, read from /proc (Linux): peak RSS (VmHWM) of the
// worker, and CPU time, so the report can say which process was the bottleneck.
import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** VmHWM (peak resident set) of a process in MB, or null once it has exited. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
    return kb === undefined ? null : Math.round(Number(kb) / 1024)
  } catch {
    return null
  }
}

/** user+system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 100 Hz). */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/** Sums CPU seconds of every process whose command line contains `needle` (e.g. "postgres", "redis"). */
export function cpuSecondsOfCommand(needle: string): number {
  let total = 0
  const ids = readdirNumbers('/proc')
  for (const pid of ids) {
    try {
      const comm = readFileSync(`/proc/${String(pid)}/comm`, 'utf8').trim()
      if (!comm.includes(needle)) continue
      total += cpuSecondsOf(pid) ?? 0
    } catch {
      // The process ended while we looked.
    }
  }
  return total
}

function readdirNumbers(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
}

/** Samples a child's VmHWM until stopped (VmHWM is already a peak; sampling only guards against exit). */
export function watchPeakRss(pid: number, everyMs = 500): { stop: () => number } {
  let peak = peakRssMb(pid) ?? 0
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRssMb(pid) ?? 0)
  }, everyMs)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
      peak = Math.max(peak, peakRssMb(pid) ?? 0)
      return peak
    },
  }
}

/** This process's CPU and event-loop utilisation over a window (the simulator runs here). */
export function measureSelf(): { stop: () => { cpuSeconds: number; elu: number; wallSeconds: number } } {
  const cpu = process.cpuUsage()
  const elu = performance.eventLoopUtilization()
  const start = performance.now()
  return {
    stop: () => {
      const used = process.cpuUsage(cpu)
      return {
        cpuSeconds: (used.user + used.system) / 1e6,
        elu: performance.eventLoopUtilization(elu).utilization,
        wallSeconds: (performance.now() - start) / 1000,
      }
    },
  }
}
