import { html, type SafeHtml } from './html.ts'

export interface PageOptions {
  title: string
  body: SafeHtml
  /** Shown next to the product name: who the page is for. */
  audience?: 'customer' | 'staff'
  /** Pages that show live progress refresh themselves when scripts are off. */
  refreshSeconds?: number
  scripts?: string[]
  nav?: SafeHtml
}

export function page(opts: PageOptions): string {
  return `<!doctype html>${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        ${opts.refreshSeconds ? html`<noscript><meta http-equiv="refresh" content="${opts.refreshSeconds}" /></noscript>` : ''}
        <title>${opts.title} · Crosstrust</title>
        <link rel="stylesheet" href="/assets/app.css" />
        ${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
      </head>
      <body class="${opts.audience ?? 'customer'}">
        <header class="topbar">
          <a class="brand" href="${opts.audience === 'staff' ? '/' : '#main'}">Crosstrust</a>${opts.nav ?? ''}
        </header>
        <main id="main">${opts.body}</main>
        <footer class="footer">Crosstrust · cross-tenant access onboarding</footer>
      </body>
    </html>`.value
  }`
}
