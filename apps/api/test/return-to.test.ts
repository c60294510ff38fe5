// `returnTo` is the one redirect target an anonymous sender chooses. Every case here is what an attacker
// can put in `/auth/sign-in?returnTo=` (already decoded once by the query string parser), and the
// expectation is the exact Location the signed-in browser would then get.
import { describe, expect, it } from 'vitest'
import { safeReturnTo } from '../src/auth/return-to.ts'

const ORIGIN = 'https://crosstrust.example'

function expectSameOrigin(result: string, input: string): void {
  expect(result.startsWith('/'), input).toBe(true)
  expect(result.startsWith('//') || result.startsWith('/\\'), input).toBe(false)
  expect(new URL(result, ORIGIN).origin, input).toBe(ORIGIN)
}

describe('safeReturnTo', () => {
  it.each([
    // Dot segments that normalise into a protocol-relative `//host`.
    '/.//evil.example',
    '/a/..//evil.example',
    '/a/b/../..//evil.example',
    '/%2e//evil.example',
    '/%2E//evil.example',
    '/%2e%2e//evil.example',
    '/a/%2e%2e//evil.example',
    '/./\\evil.example',
    // Backslashes, which browsers read as slashes, raw and encoded.
    '/\\evil',
    '/\\/evil.example',
    '/%5cevil',
    '/%5Cevil',
    '/..%5c..%5cevil',
    '/%5c%5cevil.example',
    // Encoded slashes that a decoding proxy would turn into `//`.
    '/%2f%2fevil',
    '/%2F%2Fevil.example',
    '/a/..%2f..%2fevil',
    // Tabs and newlines, which URL parsers drop.
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '\t//evil.example',
    '/.\t//evil.example',
    // Not a path at all.
    '//evil.example',
    '///evil.example',
    'https://evil.example',
    'https:evil.example',
    'javascript:alert(1)',
    '\\\\evil.example',
    'evil.example',
    '',
    // Back into sign-in (a loop), also when reached through dot segments.
    '/auth/sign-in?returnTo=/x',
    '/x/../auth/sign-in',
    '/%2e/auth/callback',
  ])('refuses %j and sends the browser to the overview', (input) => {
    expect(safeReturnTo(input)).toBe('/')
  })

  it.each([
    ['/', '/'],
    ['/customers/42', '/customers/42'],
    ['/customers/42?tab=runs#x', '/customers/42?tab=runs#x'],
    ['/customers?state=drifted&q=a%2Fb&sort=-name#top', '/customers?state=drifted&q=a%2Fb&sort=-name#top'],
    ['/customers/42?next=//evil.example', '/customers/42?next=//evil.example'],
    ['/customers/42#/settings', '/customers/42#/settings'],
    ['/customers/./42?tab=audit', '/customers/42?tab=audit'],
    ['/customers/x/../42#runs', '/customers/42#runs'],
  ])('keeps the legitimate path %j as %j', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected)
  })

  it('never returns anything that leaves the origin, whatever the input', () => {
    const parts = ['/', '//', '.', '..', '%2e', '%2f', '%5c', '\\', '\t', 'evil.example', '?', '#', '@', ':']
    for (const a of parts)
      for (const b of parts)
        for (const c of parts) {
          const input = `/${a}${b}${c}`
          expectSameOrigin(safeReturnTo(input), input)
        }
  })

  it('refuses values that are not a single string of reasonable length', () => {
    expect(safeReturnTo(undefined)).toBe('/')
    expect(safeReturnTo(['/customers', '//evil.example'])).toBe('/')
    expect(safeReturnTo(`/${'a'.repeat(2048)}`)).toBe('/')
  })
})
