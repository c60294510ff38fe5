// A small page layout over pdfkit shared by the evidence pack and the fleet report: A4, a heading per page,
// tables with a shaded header row that wrap their cells and continue on the next page, and a footer with
// the page number. The standard Helvetica fonts cover Latin-1 only; other characters are replaced.
import PDFDocument from 'pdfkit'

export type Pdf = PDFKit.PDFDocument

const MARGIN = 50
const ACCENT = '#1f4e79'
const MUTED = '#555555'
const RULE = '#c8d3df'

/** What the standard PDF fonts can draw (WinAnsi): Latin-1 and a few punctuation marks; the rest becomes `?`. */
export function pdfText(value: string): string {
  return value
    .replace(/→/g, '->')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\n\x20-\x7e\xa0-\xff\u2013\u2014\u2022\u2026]/g, '?')
}

export function createPdf(info: { title: string; subject: string }): { doc: Pdf; done: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: pdfText(info.title),
      Subject: pdfText(info.subject),
      Author: 'Crosstrust',
      Creator: 'Crosstrust',
    },
  })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    doc.on('error', reject)
  })
  return { doc, done }
}

const width = (doc: Pdf) => doc.page.width - 2 * MARGIN
const bottom = (doc: Pdf) => doc.page.height - MARGIN - 20

function ensureSpace(doc: Pdf, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage()
}

export function title(doc: Pdf, heading: string, lines: readonly string[]): void {
  doc.rect(0, 0, doc.page.width, 8).fill(ACCENT)
  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(20).text(pdfText(heading), MARGIN, MARGIN)
  doc.moveDown(0.3).fillColor(MUTED).font('Helvetica').fontSize(10)
  for (const line of lines) doc.text(pdfText(line))
  doc.moveDown(0.8)
}

export function section(doc: Pdf, heading: string): void {
  ensureSpace(doc, 60)
  doc.moveDown(0.6)
  doc.fillColor(ACCENT).font('Helvetica-Bold').fontSize(13).text(pdfText(heading), MARGIN, doc.y)
  const y = doc.y + 2
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + width(doc), y)
    .strokeColor(RULE)
    .lineWidth(1)
    .stroke()
  doc.moveDown(0.5).fillColor('black').font('Helvetica').fontSize(9)
}

export function paragraph(doc: Pdf, value: string): void {
  ensureSpace(doc, 20)
  doc
    .fillColor('black')
    .font('Helvetica')
    .fontSize(9)
    .text(pdfText(value), MARGIN, doc.y, { width: width(doc) })
  doc.moveDown(0.3)
}

export interface Column {
  header: string
  /** Share of the table width. */
  weight: number
}

const PAD = 4

function rowHeight(doc: Pdf, cells: readonly string[], widths: readonly number[]): number {
  return (
    Math.max(...cells.map((c, i) => doc.heightOfString(pdfText(c), { width: (widths[i] ?? 0) - 2 * PAD }))) +
    2 * PAD
  )
}

function drawRow(
  doc: Pdf,
  cells: readonly string[],
  widths: readonly number[],
  header: boolean,
  shade: boolean,
): void {
  doc.font(header ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5)
  const height = rowHeight(doc, cells, widths)
  const y = doc.y
  if (header || shade) {
    doc.rect(MARGIN, y, width(doc), height).fill(header ? '#e4ebf3' : '#f6f8fa')
  }
  let x = MARGIN
  cells.forEach((cell, i) => {
    const w = widths[i] ?? 0
    doc.fillColor(header ? ACCENT : 'black').text(pdfText(cell), x + PAD, y + PAD, { width: w - 2 * PAD })
    x += w
  })
  doc
    .moveTo(MARGIN, y + height)
    .lineTo(MARGIN + width(doc), y + height)
    .strokeColor(RULE)
    .lineWidth(0.5)
    .stroke()
  doc.x = MARGIN
  doc.y = y + height
}

/** A table; rows that do not fit go on the next page under a repeated header. */
export function table(
  doc: Pdf,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  empty = 'None.',
): void {
  if (rows.length === 0) {
    paragraph(doc, empty)
    return
  }
  const total = columns.reduce((n, c) => n + c.weight, 0)
  const widths = columns.map((c) => (c.weight / total) * width(doc))
  const headers = columns.map((c) => c.header)
  doc.font('Helvetica-Bold').fontSize(8.5)
  ensureSpace(doc, rowHeight(doc, headers, widths) + 20)
  drawRow(doc, headers, widths, true, false)
  rows.forEach((row, index) => {
    doc.font('Helvetica').fontSize(8.5)
    if (doc.y + rowHeight(doc, row, widths) > bottom(doc)) {
      doc.addPage()
      drawRow(doc, headers, widths, true, false)
    }
    drawRow(doc, row, widths, false, index % 2 === 1)
  })
  doc.moveDown(0.5)
}

/** Key/value pairs as a two-column table without header shading. */
export function facts(doc: Pdf, pairs: readonly (readonly [string, string])[]): void {
  table(
    doc,
    [
      { header: 'Item', weight: 2 },
      { header: 'Value', weight: 5 },
    ],
    pairs,
  )
}

/** Footer on every page: the document's name and "page n of m". */
export function finish(doc: Pdf, footer: string): void {
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i)
    // Below the bottom margin: without this pdfkit would start a new page for the footer.
    doc.page.margins.bottom = 0
    const y = doc.page.height - MARGIN + 10
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED)
    doc.text(pdfText(footer), MARGIN, y, { width: width(doc) * 0.75, lineBreak: false, height: 10 })
    doc.text(`Page ${String(i + 1)} of ${String(range.count)}`, MARGIN, y, {
      width: width(doc),
      align: 'right',
      lineBreak: false,
      height: 10,
    })
  }
  doc.end()
}
