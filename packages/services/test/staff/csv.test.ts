import { describe, expect, it } from 'vitest'
import { csvCell, csvLine } from '../../src/staff/csv.ts'

// OWASP CSV injection: a cell a spreadsheet would evaluate starts, after anything an importer may strip
// (spaces, quotes), with = + - @ or is a tab/CR. Such cells are prefixed with an apostrophe; every cell is
// quoted so nothing inside a value can end the cell.
describe('csvCell', () => {
  it.each([
    ['=1+1', `"'=1+1"`],
    ['+1', `"'+1"`],
    ['-2', `"'-2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\rcmd', `"'\rcmd"`],
    [' =HYPERLINK("http://evil")', `"' =HYPERLINK(""http://evil"")"`],
    ['   +cmd|calc', `"'   +cmd|calc"`],
    ['"=1+1', `"'""=1+1"`],
    ["'=1+1", `"''=1+1"`],
    [' " -2', `"' "" -2"`],
    ['\u00a0=1', `"'\u00a0=1"`],
    ['\ufeff@x', `"'\ufeff@x"`],
    ['\n=1', `"'\n=1"`],
    ['＝cmd', `"'＝cmd"`],
    ['Contoso=Good', '"Contoso=Good"'],
    ['Acme, "Quoted"', '"Acme, ""Quoted"""'],
    ['Line\nBreak', '"Line\nBreak"'],
    ['Plain', '"Plain"'],
    ['', '""'],
  ])('%j becomes %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell)
  })

  it('quotes every kind of value', () => {
    expect(csvCell(null)).toBe('""')
    expect(csvCell(undefined)).toBe('""')
    expect(csvCell(42)).toBe('"42"')
    expect(csvCell(-3)).toBe(`"'-3"`)
    expect(csvCell(true)).toBe('"true"')
    expect(csvCell(new Date('2025-01-02T03:04:05.000Z'))).toBe('"2025-01-02T03:04:05.000Z"')
    expect(csvCell({ a: '=x' })).toBe('"{""a"":""=x""}"')
  })

  it('joins a line with CRLF', () => {
    expect(csvLine(['a', '=b', 'c,d'])).toBe(`"a","'=b","c,d"\r\n`)
  })
})
