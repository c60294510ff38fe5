// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package, so BENCHMARKS.md
// can say where a process spent its CPU.
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

export interface ProfileSummary {
  totalMs: number
  idleMs: number
  byFunction: { name: string; ms: number; pct: number }[]
  byPackage: { name: string; ms: number; pct: number }[]
}

function packageOf(url: string): string {
  if (url === '') return '(native/V8)'
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pnpm?.[1]) return pnpm[1]
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm?.[1]) return nm[1]
  if (url.startsWith('node:')) return 'node core'
  const ours = /\/work\/main\/((?:packages|apps)\/[^/]+)/.exec(url)
  if (ours?.[1]) return ours[1]
  return url.replace(/^file:\/\//, '')
}

export function summariseProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfUs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  for (let i = 0; i < samples.length; i += 1) {
    const id = samples[i] ?? 0
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0))
  }
  let total = 0
  let idle = 0
  const fn = new Map<string, number>()
  const pkg = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const node = byId.get(id)
    if (!node) continue
    const name = node.callFrame.functionName || '(anonymous)'
    if (name === '(idle)') {
      idle += us
      continue
    }
    total += us
    const key = `${name} ${packageOf(node.callFrame.url)}${node.callFrame.url ? `:${String(node.callFrame.lineNumber + 1)}` : ''}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    const p = name === '(garbage collector)' ? '(garbage collector)' : packageOf(node.callFrame.url)
    pkg.set(p, (pkg.get(p) ?? 0) + us)
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }))
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    byFunction: rank(fn),
    byPackage: rank(pkg),
  }
}

export function profileMarkdown(title: string, s: ProfileSummary): string {
  const rows = (list: ProfileSummary['byPackage']) =>
    list.map((r) => `| ${r.name.replaceAll('|', '\\|')} | ${String(r.ms)} | ${String(r.pct)} % |`).join('\n')
  return [
    `**${title}** — ${String(s.totalMs)} ms on CPU, ${String(s.idleMs)} ms idle.`,
    '',
    '| Package (self time) | ms | share |',
    '|---|---:|---:|',
    rows(s.byPackage),
    '',
    '| Function (self time) | ms | share |',
    '|---|---:|---:|',
    rows(s.byFunction),
  ].join('\n')
}

/** Self time of `functionName`, grouped by its callers (8 frames up), heaviest first. */
export function callersOf(path: string, functionName: string, top = 5): { stack: string; ms: number }[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfUs = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0)))
  const stacks = new Map<string, number>()
  for (const n of profile.nodes) {
    if (n.callFrame.functionName !== functionName) continue
    const frames: string[] = []
    for (let cur = parent.get(n.id); cur !== undefined && frames.length < 8; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame
      if (f) frames.push(`${f.functionName || '(anonymous)'} (${packageOf(f.url)})`)
    }
    const key = frames.join(' < ')
    stacks.set(key, (stacks.get(key) ?? 0) + (selfUs.get(n.id) ?? 0))
  }
  return [...stacks.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([stack, us]) => ({ stack, ms: Math.round(us / 1000) }))
}

// CLI: tsx test/bench/support/profile-summary.ts <file.cpuprofile> [--callers <functionName>]
if (process.argv[1]?.endsWith('profile-summary.ts') && process.argv[2]) {
  const file = process.argv[2]
  if (process.argv[3] === '--callers' && process.argv[4]) {
    for (const c of callersOf(file, process.argv[4])) process.stdout.write(`${String(c.ms)} ms  ${c.stack}\n`)
  } else {
    process.stdout.write(`${profileMarkdown(file, summariseProfile(file, 25))}\n`)
  }
}
