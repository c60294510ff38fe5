// The staff sign-in pages (failed, signed out) and the answers a browser gets when it may not see a
// dashboard page, on the same Layout as the dashboard (without its navigation: nobody is signed in).
import { Layout } from '../html/layout.tsx'
import { renderDocument } from '../html/render.ts'

const SIGN_IN = '/auth/sign-in'

/** A page that says one thing and links to where to go next. */
function messagePage(page: { title: string; heading?: string; text?: string; link: [string, string] }) {
  const [href, label] = page.link
  return renderDocument(
    <Layout title={page.title} audience="staff">
      <h1>{page.heading ?? page.title}</h1>
      {page.text === undefined ? null : <p>{page.text}</p>}
      <p>
        <a href={href}>{label}</a>
      </p>
    </Layout>,
  )
}

export function signInFailedPage(message: string): string {
  return messagePage({ title: 'Sign-in failed', text: message, link: [SIGN_IN, 'Sign in again'] })
}

export function signedOutPage(): string {
  return messagePage({ title: 'Signed out', heading: 'You are signed out', link: [SIGN_IN, 'Sign in again'] })
}

export function signInRequiredPage(): string {
  return messagePage({ title: 'Sign in required', link: [SIGN_IN, 'Sign in'] })
}

export function forbiddenPage(detail: string): string {
  return messagePage({ title: 'Forbidden', text: detail, link: ['/', 'Back to the overview'] })
}
