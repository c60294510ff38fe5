// The one shell around every server-rendered page: the staff dashboard, the staff sign-in pages and the
// customer-facing consent pages. Scripts are external files only (the CSP allows no inline script or style).
import type { Child } from 'hono/jsx'

export interface LayoutProps {
  title: string
  /** Who the page is for: staff pages link the brand to the overview, customer pages to their own content. */
  audience: 'customer' | 'staff'
  /** Pages that show live progress refresh themselves when scripts are off. */
  refreshSeconds?: number | undefined
  scripts?: readonly string[]
  /** Navigation and who is signed in (dashboard pages only). */
  nav?: Child
  children: Child
}

export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {props.refreshSeconds ? (
          <noscript>
            <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
          </noscript>
        ) : null}
        <title>{`${props.title} · Crosstrust`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer />
        ))}
      </head>
      <body class={props.audience}>
        <header class="topbar">
          <a class="brand" href={props.audience === 'staff' ? '/' : '#main'}>
            Crosstrust
          </a>
          {props.nav}
        </header>
        <main id="main">{props.children}</main>
        <footer class="footer">Crosstrust · cross-tenant access onboarding</footer>
      </body>
    </html>
  )
}
