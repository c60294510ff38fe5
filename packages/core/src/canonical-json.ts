import { createHash } from 'node:crypto'

// Canonical JSON: object keys sorted recursively, `undefined` members dropped, so two equal values always
// serialise (and hash) the same regardless of the key order Graph happened to return.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => (item === undefined ? null : sortKeys(item)))
  if (typeof value === 'object' && value !== null) {
    const source = value as Record<string, unknown>
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(source).sort()) {
      const member = source[key]
      if (member !== undefined) sorted[key] = sortKeys(member)
    }
    return sorted
  }
  return value
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

export function canonicalEquals(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}
