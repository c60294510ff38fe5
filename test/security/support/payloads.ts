// Hostile inputs for the public endpoints. Each payload is what goes into the URL (`wire`, inserted
// verbatim: already percent-encoded where needed) and, when the server would decode it to something
// dangerous to reflect, the decoded text (`reflect`) that must never come back unescaped.
import { PAYLOADS as XSS_PAYLOADS } from '../../support/xss.ts'

export interface Payload {
  family:
    'xss' | 'sql' | 'crlf' | 'unicode' | 'invalid-utf8' | 'overlong' | 'traversal' | 'malformed' | 'template'
  name: string
  wire: string
  /** Decoded text that must not appear raw in a response body or header; undefined: nothing to check. */
  reflect?: string
}

/** Percent-encodes every byte of the UTF-8 encoding (lone surrogates become U+FFFD, as browsers do). */
export function encode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`)
    .join('')
}

/** Only text with characters that mean something to HTML or HTTP headers is checked for raw reflection. */
const DANGEROUS = /[<>"'`\r\n]/

function text(family: Payload['family'], name: string, value: string): Payload {
  return { family, name, wire: encode(value), ...(DANGEROUS.test(value) ? { reflect: value } : {}) }
}

const XSS = [
  ...XSS_PAYLOADS,
  'javascript:alert(1)',
  '"onmouseover="alert(1)',
  '</script><script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
]
const SQL = [
  "' OR '1'='1",
  '1; DROP TABLE customers;--',
  "' UNION SELECT null, version()--",
  "00000000-0000-4000-8000-000000000000' OR 1=1--",
  "'; SELECT pg_sleep(5)--",
  '" OR ""="',
]
const CRLF = [
  '\r\nX-Injected: 1',
  '\r\nSet-Cookie: injected=1',
  '/\r\nLocation: https://evil.example',
  '\nX-Injected: 1',
]

export const FUZZ_PAYLOADS: Payload[] = [
  ...XSS.map((v, i) => text('xss', `xss-${i}`, v)),
  ...SQL.map((v, i) => text('sql', `sql-${i}`, v)),
  ...CRLF.map((v, i) => text('crlf', `crlf-${i}`, v)),
  { family: 'crlf', name: 'crlf-utf8-lookalike', wire: '%E5%98%8A%E5%98%8DX-Injected:%201' },
  { family: 'crlf', name: 'crlf-double-encoded', wire: '%250d%250aX-Injected:%201' },
  text('unicode', 'rtl-override', '\u202Egnp.exe\u202C<b>'),
  text('unicode', 'zero-width', 'a\u200B\u200C\u200D\uFEFFb'),
  text('unicode', 'emoji', '🙂🔥💥👩‍👩‍👧'),
  text('unicode', 'nul', 'a\u0000b'),
  text('unicode', 'nul-xss', '\u0000<script>alert(1)</script>'),
  text('unicode', 'combining', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇'),
  text('unicode', 'fullwidth-tags', '＜script＞alert(1)＜/script＞'),
  text('unicode', 'bidi-in-id', '00000000-0000-4000-8000-00000000000\u202E0'),
  { family: 'invalid-utf8', name: 'overlong-slash', wire: '%C0%AF' },
  { family: 'invalid-utf8', name: 'bom-reversed', wire: '%FF%FE' },
  { family: 'invalid-utf8', name: 'overlong-nul', wire: '%E0%80%80' },
  { family: 'invalid-utf8', name: 'lone-surrogate', wire: '%ED%A0%80' },
  { family: 'invalid-utf8', name: 'truncated', wire: '%E2%82' },
  { family: 'invalid-utf8', name: 'bare-percent', wire: '%' },
  { family: 'invalid-utf8', name: 'bad-hex', wire: '%zz%' },
  { family: 'invalid-utf8', name: 'double-percent', wire: '%%32%65' },
  { family: 'overlong', name: '8k', wire: 'A'.repeat(8 * 1024) },
  { family: 'overlong', name: '8k-encoded', wire: '%41'.repeat(3 * 1024) },
  { family: 'overlong', name: '64k', wire: 'B'.repeat(64 * 1024) },
  { family: 'overlong', name: '257', wire: 'c'.repeat(257) },
  { family: 'overlong', name: '8k-xss', wire: encode(`${'x'.repeat(8192)}<script>alert(1)</script>`) },
  text('traversal', 'dotdot', '../../../../etc/passwd'),
  { family: 'traversal', name: 'dotdot-encoded', wire: '..%2f..%2f..%2f..%2fetc%2fpasswd' },
  {
    family: 'traversal',
    name: 'dotdot-double-encoded',
    wire: '%252e%252e%252f%252e%252e%252fetc%252fpasswd',
  },
  { family: 'traversal', name: 'dotdot-backslash', wire: '..%5c..%5c..%5cpackage.json' },
  text('traversal', 'dotdot-nested', '....//....//....//etc/passwd'),
  text('traversal', 'env', '../../../.env'),
  text('malformed', 'empty', ''),
  text('malformed', 'space', ' '),
  text('malformed', 'json', '{"a":1}'),
  text('malformed', 'array', '[]'),
  text('malformed', 'proto', '__proto__'),
  text('malformed', 'constructor', 'constructor'),
  text('malformed', 'negative', '-1'),
  text('malformed', 'huge-number', '1e309'),
  text('malformed', 'null', 'null'),
  text('template', 'dollar', '${7*7}'),
  text('template', 'mustache', '{{7*7}}'),
  text('template', 'erb', '<%= 7*7 %>'),
]

/** Where `returnTo` (or any redirect target) must never send a browser. */
export const OPEN_REDIRECTS = [
  'https://evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  '%2F%2Fevil.example',
  'https:evil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '/\t/evil.example',
  '/\r\n/evil.example',
  '/ /evil.example',
  '//evil.example@127.0.0.1',
  'http://127.0.0.1.evil.example/',
  '/auth/sign-in?returnTo=//evil.example',
  '〱evil.example',
  '/\u3002evil.example',
]

/**
 * `returnTo` values that look like a path on the site but that URL normalisation (dot segments, encoded
 * dots) or a decoding proxy (encoded slashes and backslashes) turns into another host.
 */
export const NORMALISED_REDIRECTS = [
  '/.//evil.example',
  '/a/..//evil.example',
  '/%2e//evil.example',
  '/%2e%2e//evil.example',
  '/..%5c..%5cevil.example',
  '/%2f%2fevil.example',
  '/%5cevil.example',
  '/.\t//evil.example',
]

/** Legitimate `returnTo` values and the exact place a signed-in browser must land. */
export const KEPT_RETURN_TOS: [string, string][] = [
  ['/customers?state=drifted&q=a%2Fb#top', '/customers?state=drifted&q=a%2Fb#top'],
  ['/customers/x/../42?tab=runs#audit', '/customers/42?tab=runs#audit'],
]
