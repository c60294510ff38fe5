import { describe, expect, it } from 'vitest'
import { parseObject, parsePolicyPage } from '../../src/graph-responses.ts'

describe('whole-object reads', () => {
  it('pass an object on as it is, without copying it', () => {
    const policy = { id: 'p1', conditions: { users: { includeUsers: ['All'] } } }
    expect(parseObject(policy)).toBe(policy)
    const page = parsePolicyPage({ value: [policy], '@odata.nextLink': 'https://graph/next' })
    expect(page.value[0]).toBe(policy)
    expect(page.nextLink).toBe('https://graph/next')
  })

  it.each([null, [], 'text', 42, undefined])('refuse %j as an object', (raw) => {
    expect(() => parseObject(raw)).toThrow(/expected a JSON object/)
    expect(() => parsePolicyPage({ value: [raw] })).toThrow(/expected a JSON object/)
  })

  it('refuse a page without its value array', () => {
    expect(() => parsePolicyPage({})).toThrow()
    expect(() => parsePolicyPage({ value: {} })).toThrow()
  })
})
