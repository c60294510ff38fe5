// Dotted-path helpers over plain JSON objects. An absent member reads as `undefined`, which the
// comparators treat like `null` (Graph omits or nulls a setting that is inherited).

export function splitPath(path: string): string[] {
  return path.split('.')
}

export function topLevelOf(path: string): string {
  return splitPath(path)[0] ?? path
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function readPath(source: unknown, path: string): unknown {
  let current: unknown = source
  for (const segment of splitPath(path)) {
    if (!isRecord(current)) return undefined
    current = Object.hasOwn(current, segment) ? current[segment] : undefined
  }
  return current
}

/** Sets `value` at `path`, creating intermediate objects. Mutates `target`. */
export function writePath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = splitPath(path)
  const last = segments.pop()
  if (last === undefined) return
  let current = target
  for (const segment of segments) {
    const next = current[segment]
    if (isRecord(next)) {
      current = next
    } else {
      const created: Record<string, unknown> = {}
      current[segment] = created
      current = created
    }
  }
  current[last] = value
}

export { isRecord }
