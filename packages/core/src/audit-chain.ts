import { sha256Hex } from './canonical-json.ts'

// The audit hash chain's canonical form, reproduced independently of the database (which computes the
// same in the migration `audit_hash_chain`; packages/db/README.md specifies it). Each row's hash is
//   sha256_hex(prevHash + "\n" + canonical JSON of { action, actorId, actorName, actorType, after, at,
//                                                   before, customerId, entityId, entityType, id, ip,
//                                                   requestId, seq })
// where canonical JSON has no whitespace, object keys sorted by their UTF-8 bytes, strings escaped as
// JSON.stringify does (the same escapes PostgreSQL's jsonb output uses), and numbers exactly as jsonb
// prints them. Hence `before`/`after` are taken as jsonb *text* (`before::text`), never as parsed JS
// values: a JS number cannot say whether jsonb printed 1.50 or 1e21 as 1.50 or 1000000000000000000000.

/** The predecessor of the first row. */
export const AUDIT_CHAIN_GENESIS = '0'.repeat(64)

/** One audit row as the chain sees it; ids and sequence numbers as decimal strings. */
export interface AuditChainRow {
  seq: string
  id: string
  at: Date
  actorType: string
  actorId: string | null
  actorName: string | null
  action: string
  customerId: string | null
  entityType: string | null
  entityId: string | null
  /** jsonb text as PostgreSQL prints it, or null when the column is NULL. */
  beforeJson: string | null
  afterJson: string | null
  requestId: string | null
  ip: string | null
  prevHash: string
}

export function auditEventHash(row: AuditChainRow): string {
  const str = (value: string | null) => (value === null ? 'null' : JSON.stringify(value))
  const json = (text: string | null) => (text === null ? 'null' : canonicalJsonText(text))
  const content = serialiseObject([
    ['seq', str(row.seq)],
    ['id', str(row.id)],
    ['at', str(row.at.toISOString())],
    ['actorType', str(row.actorType)],
    ['actorId', str(row.actorId)],
    ['actorName', str(row.actorName)],
    ['action', str(row.action)],
    ['customerId', str(row.customerId)],
    ['entityType', str(row.entityType)],
    ['entityId', str(row.entityId)],
    ['before', json(row.beforeJson)],
    ['after', json(row.afterJson)],
    ['requestId', str(row.requestId)],
    ['ip', str(row.ip)],
  ])
  return sha256Hex(`${row.prevHash}\n${content}`)
}

/** Re-serialises JSON text canonically; number literals are kept verbatim. */
export function canonicalJsonText(text: string): string {
  const parser = new Parser(text)
  const out = parser.value()
  parser.skipSpace()
  if (parser.pos !== text.length) throw parser.error('trailing characters')
  return out
}

function serialiseObject(members: [string, string][]): string {
  const sorted = members
    .map(([key, value]) => ({ key, bytes: Buffer.from(key, 'utf8'), value }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
  return `{${sorted.map((m) => `${JSON.stringify(m.key)}:${m.value}`).join(',')}}`
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// The token's extent only; JSON.parse then decodes it and rejects raw control characters.
const STRING = /"(?:[^"\\]|\\.)*"/y

// A minimal JSON reader that returns canonical text directly, so number literals never pass through a
// JS number (and object keys never through a JS object, whose integer-like keys would be reordered).
class Parser {
  pos = 0
  constructor(private readonly text: string) {}

  error(what: string): Error {
    return new Error(`invalid JSON at ${String(this.pos)}: ${what}`)
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.pos))) this.pos += 1
  }

  value(): string {
    this.skipSpace()
    const c = this.text.charAt(this.pos)
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return JSON.stringify(this.string())
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length
        return literal
      }
    }
    return this.match(NUMBER, 'a value')
  }

  private match(pattern: RegExp, what: string): string {
    pattern.lastIndex = this.pos
    const found = pattern.exec(this.text)
    if (!found) throw this.error(`expected ${what}`)
    this.pos += found[0].length
    return found[0]
  }

  private string(): string {
    return JSON.parse(this.match(STRING, 'a string')) as string
  }

  private expect(char: string): void {
    this.skipSpace()
    if (this.text.charAt(this.pos) !== char) throw this.error(`expected ${char}`)
    this.pos += 1
  }

  private peek(char: string): boolean {
    this.skipSpace()
    if (this.text.charAt(this.pos) !== char) return false
    this.pos += 1
    return true
  }

  private object(): string {
    this.expect('{')
    const members: [string, string][] = []
    if (!this.peek('}')) {
      do {
        this.skipSpace()
        const key = this.string()
        this.expect(':')
        members.push([key, this.value()])
      } while (this.peek(','))
      this.expect('}')
    }
    return serialiseObject(members)
  }

  private array(): string {
    this.expect('[')
    const items: string[] = []
    if (!this.peek(']')) {
      do items.push(this.value())
      while (this.peek(','))
      this.expect(']')
    }
    return `[${items.join(',')}]`
  }
}
