// Human output (aligned tables, key/value blocks) and machine output (--json, exactly what the API said).

export interface Output {
  out: (text: string) => void
  err: (text: string) => void
}

export const stdio: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}

/** Strips control characters so data from the API (names typed by people) cannot drive the terminal. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-'
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value)
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
}

export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map(cell))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n'
}

export function keyValues(pairs: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n') + '\n'
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** "2026-11-27 01:23" in UTC: short and unambiguous in a table. */
export function when(iso: unknown): string {
  if (typeof iso !== 'string') return '-'
  return iso.replace('T', ' ').slice(0, 16)
}
