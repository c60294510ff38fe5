import { describe, expect, it } from 'vitest'
import { parseBatchEnvelope, parseObject, parsePolicyPage } from '../../src/graph-responses.ts'

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

describe('batch envelope', () => {
  it('finds each answer by id and its headers by lower-case name, whatever case Graph used', () => {
    const answers = parseBatchEnvelope({
      responses: [
        { id: '2', status: 429, headers: { 'Retry-After': 7, 'request-id': 'r-2' }, body: null },
        { id: '1', status: 200, headers: { 'Content-Type': 'application/json' }, body: { tenantId: 't' } },
        { id: '3', status: 204 },
      ],
    })
    expect(answers.get('2')?.headers.get('retry-after')).toBe('7')
    expect(answers.get('2')?.headers.get('request-id')).toBe('r-2')
    expect(answers.get('1')?.headers.get('content-type')).toBe('application/json')
    expect(answers.get('1')?.body).toEqual({ tenantId: 't' })
    expect(answers.get('3')?.headers.size).toBe(0)
  })

  it('refuses an envelope without its responses', () => {
    expect(() => parseBatchEnvelope({})).toThrow()
    expect(() => parseBatchEnvelope({ responses: [{ id: 1, status: 200 }] })).toThrow()
  })
})
