// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package, so BENCHMARKS.md
// can say where a process spent its CPU. Frames in the production bundle are mapped back to their source
// file through the bundle's source map, so our packages are told apart as under tsx.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }
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
  if (url.startsWith('wasm://')) return '(WebAssembly)'
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pnpm?.[1]) return pnpm[1]
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm?.[1]) return nm[1]
  // Node's own fetch classes (Response, Headers, web streams), which the Graph SDK's middleware contract needs.
  if (url.startsWith('node:internal/deps/undici') || url.startsWith('node:internal/webstreams'))
    return 'node core: fetch (Response, Headers, streams)'
  if (url.startsWith('node:')) return 'node core'
  const ours = /(?:^|\/)((?:packages|apps)\/[^/]+)\/(?:src|dist)\//.exec(url)
  if (ours?.[1]) return ours[1]
  return url.replace(/^file:\/\//, '')
}

const sourceMaps = new Map<string, SourceMap | null>()

/** The original source of a bundle frame (`…/packages/microsoft/src/token-provider.ts`), else the url. */
function originalUrl(frame: ProfileNode['callFrame']): string {
  // Only our bundles (apps' dist/); third-party packages keep their own file names.
  if (
    !frame.url.startsWith('file://') ||
    !/\/dist\/[^/]+\.js$/.test(frame.url) ||
    frame.url.includes('/node_modules/')
  ) {
    return frame.url
  }
  let map = sourceMaps.get(frame.url)
  if (map === undefined) {
    const file = `${fileURLToPath(frame.url)}.map`
    map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as never) : null
    sourceMaps.set(frame.url, map)
  }
  if (map === null) return frame.url
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as { originalSource?: string }
  return entry.originalSource ?? frame.url
}

/** The main thread's profile of a --cpu-prof directory: the largest file (helper threads write small ones). */
export function mainProfileIn(dir: string): string | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
  files.sort((a, b) => statSync(b).size - statSync(a).size)
  return files[0] ?? null
}

/**
 * The package a WebAssembly frame works for: its nearest JavaScript caller's. Both undici (its HTTP parser,
 * llhttp) and Prisma (its query compiler) run WebAssembly, and the module's own url names neither.
 */
function wasmOwner(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)?.callFrame
    if (frame === undefined || frame.url === '' || frame.url.startsWith('wasm://')) continue
    return `(WebAssembly of ${packageOf(originalUrl(frame))})`
  }
  return '(WebAssembly)'
}

export function summariseProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
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
    const url = originalUrl(node.callFrame)
    const where =
      url === node.callFrame.url
        ? url
          ? `:${String(node.callFrame.lineNumber + 1)}`
          : ''
        : ` ${url.split('/').at(-1) ?? ''}`
    const owner = url.startsWith('wasm://') ? wasmOwner(id, byId, parent) : packageOf(url)
    const key = `${name} ${owner}${where}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    const p = name === '(garbage collector)' ? '(garbage collector)' : owner
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
      if (f) frames.push(`${f.functionName || '(anonymous)'} (${packageOf(originalUrl(f))})`)
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
