// The dashboard's pure helpers: keyset page links (next/previous over forward-only cursors), relative times,
// portal wording of observed values, audit summaries, and that the HTML they produce escapes its input.
import { describe, expect, it } from 'vitest'
import { renderFragment } from '../src/html/render.ts'
import { auditSummary } from '../src/routes/dashboard/audit/wording.ts'
import { describeValue, relativeTime } from '../src/routes/dashboard/format.ts'
import { ActorCell } from '../src/routes/dashboard/ui/actor.tsx'
import { TimeAgo } from '../src/routes/dashboard/ui/badges.tsx'
import { pageLinks, pagePosition, withQuery } from '../src/routes/dashboard/pager.ts'

describe('keyset page links', () => {
  it('walks forward, remembers where it came from, and walks back to the first page', () => {
    const p1 = pagePosition({})
    const l1 = pageLinks(p1, 'c1')
    expect(l1).toEqual({ next: { cursor: 'c1' }, prev: null })
    const p2 = pagePosition(l1.next)
    const l2 = pageLinks(p2, 'c2')
    expect(l2).toEqual({ next: { cursor: 'c2', trail: 'c1' }, prev: {} })
    const p3 = pagePosition(l2.next)
    const l3 = pageLinks(p3, null)
    expect(l3).toEqual({ next: null, prev: { cursor: 'c1' } })
    expect(pageLinks(pagePosition({ cursor: 'c3', trail: 'c1.c2' }), 'c4').prev).toEqual({
      cursor: 'c2',
      trail: 'c1',
    })
  })

  it('ignores malformed cursors and trails instead of failing', () => {
    expect(pagePosition({ cursor: '<script>', trail: 'a.b' })).toEqual({ cursor: undefined, trail: [] })
    expect(pagePosition({ cursor: 'ok', trail: 'a.<x>.b' })).toEqual({ cursor: 'ok', trail: ['a', 'b'] })
    expect(pagePosition({ cursor: ['a', 'b'] })).toEqual({ cursor: undefined, trail: [] })
  })

  it('bounds the trail so URLs stay short', () => {
    const trail = Array.from({ length: 40 }, (_, n) => `c${String(n)}`).join('.')
    const pos = pagePosition({ cursor: 'x', trail })
    expect(pos.trail).toHaveLength(15)
    expect(pageLinks(pos, 'y').next?.trail?.split('.')).toHaveLength(15)
  })

  it('builds query strings without empty values', () => {
    expect(withQuery('/customers', { q: 'a b', mode: undefined, sort: '' })).toBe('/customers?q=a+b')
    expect(withQuery('/customers', {})).toBe('/customers')
  })
})

describe('formatting', () => {
  const now = new Date('2026-11-27T12:00:00Z')
  it('says how long ago or ahead, briefly', () => {
    expect(relativeTime(new Date('2026-11-27T11:59:50Z'), now)).toBe('just now')
    expect(relativeTime(new Date('2026-11-27T11:55:00Z'), now)).toBe('5 min ago')
    expect(relativeTime(new Date('2026-11-27T09:00:00Z'), now)).toBe('3 h ago')
    expect(relativeTime(new Date('2026-11-30T12:00:00Z'), now)).toBe('in 3 d')
  })

  it('keeps the exact time in datetime and title', () => {
    expect(renderFragment(<TimeAgo at={new Date('2026-11-27T11:55:00Z')} now={now} />)).toBe(
      '<time datetime="2026-11-27T11:55:00.000Z" title="2026-11-27 11:55:00 UTC">5 min ago</time>',
    )
    expect(renderFragment(<TimeAgo at={null} now={now} empty="Never" />)).toBe(
      '<span class="muted">Never</span>',
    )
  })

  it('words observed Graph values as the portal does', () => {
    expect(describeValue(null)).toBe('Inherited from default')
    expect(describeValue(true)).toBe('On (checked)')
    expect(describeValue(false)).toBe('Off (unchecked)')
    expect(
      describeValue({ accessType: 'allowed', targets: [{ target: 'allusers', targetType: 'user' }] }),
    ).toBe('Allow access: all users and groups')
    expect(describeValue({ accessType: 'blocked', targets: [{ target: 'g1' }, { target: 'g2' }] })).toBe(
      'Block access: 2 selected',
    )
  })

  it('summarises audit changes and escapes actor names', () => {
    expect(auditSummary({ before: { mode: null }, after: { mode: 'remediate' } })).toBe('mode: — → remediate')
    expect(auditSummary({ before: null, after: { expiresAt: 'x', revokedEarlier: 0 } })).toBe(
      'expires at: x · revoked earlier: 0',
    )
    expect(auditSummary({ before: null, after: { partner: { a: 'x'.repeat(100) } } })).toBe('partner updated')
    expect(
      renderFragment(<ActorCell event={{ actorType: 'staff', actorName: '<img src=x>', actorId: null }} />),
    ).toBe('&lt;img src=x&gt;<span class="sub">Staff</span>')
  })
})
