// The staff sign-in pages (failed, signed out) and the answers a browser gets when it may not see a
// dashboard page, on the same Layout as the dashboard (without its navigation: nobody is signed in).
import { Layout } from '../html/layout.tsx'
import { renderDocument } from '../html/render.ts'

const SIGN_IN = '/auth/sign-in'

export function signInFailedPage(message: string): string {
  return renderDocument(
    <Layout title="Sign-in failed" audience="staff">
      <h1>Sign-in failed</h1>
      <p>{message}</p>
      <p>
        <a href={SIGN_IN}>Sign in again</a>
      </p>
    </Layout>,
  )
}

export function signedOutPage(): string {
  return renderDocument(
    <Layout title="Signed out" audience="staff">
      <h1>You are signed out</h1>
      <p>
        <a href={SIGN_IN}>Sign in again</a>
      </p>
    </Layout>,
  )
}

export function signInRequiredPage(): string {
  return renderDocument(
    <Layout title="Sign in required" audience="staff">
      <h1>Sign in required</h1>
      <p>
        <a href={SIGN_IN}>Sign in</a>
      </p>
    </Layout>,
  )
}

export function forbiddenPage(detail: string): string {
  return renderDocument(
    <Layout title="Forbidden" audience="staff">
      <h1>Forbidden</h1>
      <p>{detail}</p>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </Layout>,
  )
}
