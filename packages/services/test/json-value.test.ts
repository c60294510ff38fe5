// What a jsonb column receives: the value as JSON.stringify sees it, with null handled per column kind.
import { Prisma } from '@crosstrust/db'
import { describe, expect, it } from 'vitest'
import { jsonValueOrJsonNull, optionalJsonValue, toJsonValue } from '../src/json-value.ts'

describe('JSON values for jsonb columns', () => {
  it('stores what JSON.stringify keeps: dates as ISO strings, undefined members dropped', () => {
    const at = new Date('2026-12-01T10:00:00.000Z')
    expect(toJsonValue({ at, gone: undefined, list: [1, 'two', null] })).toEqual({
      at: '2026-12-01T10:00:00.000Z',
      list: [1, 'two', null],
    })
  })

  it('leaves an optional column SQL NULL for null and undefined', () => {
    expect(optionalJsonValue(null)).toBeUndefined()
    expect(optionalJsonValue(undefined)).toBeUndefined()
    expect(optionalJsonValue(false)).toBe(false)
  })

  it('stores JSON null in a required column for null and undefined', () => {
    expect(jsonValueOrJsonNull(null)).toBe(Prisma.JsonNull)
    expect(jsonValueOrJsonNull(undefined)).toBe(Prisma.JsonNull)
    expect(jsonValueOrJsonNull(0)).toBe(0)
  })
})
