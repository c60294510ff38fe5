import { describe, expect, it } from 'vitest'
import { LINK_DELIVERIES, revokesEarlierLinks } from '../src/index.ts'

describe('handing out a link', () => {
  it('revokes the earlier links only when staff issue a fresh one; a delivery adds one', () => {
    expect(LINK_DELIVERIES.filter(revokesEarlierLinks)).toEqual(['staff'])
    expect(revokesEarlierLinks('email')).toBe(false)
    expect(revokesEarlierLinks('result_page')).toBe(false)
  })
})
