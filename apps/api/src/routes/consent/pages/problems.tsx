// The consent pages that end the flow with an explanation: a link that cannot be used, a response from
// Microsoft we did not accept, a declined consent, a refused tenant, and a sign-in that did not complete.
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'
import {
  invalidStateReason,
  presentLinkProblem,
  presentSignInProblem,
  type LinkProblem,
  type Partner,
  type SignInProblem,
} from './presenter.ts'

function RetryForm({ attemptId }: { attemptId: string }) {
  return (
    <form method="post" action={`/consent/result/${attemptId}/retry`} class="actions">
      <button type="submit">Try again</button>
    </form>
  )
}

export function linkProblemPage(status: LinkProblem, partner: Partner): string {
  const p = presentLinkProblem(status, partner)
  return renderDocument(
    <Layout title={p.title} audience="customer">
      <h1>{p.title}</h1>
      <div class={`notice ${p.tone}`}>
        <p>{p.text}</p>
      </div>
    </Layout>,
  )
}

export function invalidStatePage(reason: string, partner: Partner): string {
  return renderDocument(
    <Layout title="Consent response not accepted" audience="customer">
      <h1>We could not accept this response</h1>
      <div class="notice bad">
        <p>{invalidStateReason(reason)} Nothing was changed.</p>
        <p>Open the consent link from {partner.name} again to start over.</p>
      </div>
    </Layout>,
  )
}

export function declinedPage(opts: { attemptId: string; title: string; message: string; nextStep: string }) {
  return renderDocument(
    <Layout title={opts.title} audience="customer">
      <h1>{opts.title}</h1>
      <div class="notice warn">
        <p>{opts.message}</p>
        <p>{opts.nextStep}</p>
      </div>
      <RetryForm attemptId={opts.attemptId} />
    </Layout>,
  )
}

/** The admin signed in with an account whose tenant this link may not bind. */
export function refusedPage(refusal: { title: string; message: string; nextStep: string }): string {
  return renderDocument(
    <Layout title={refusal.title} audience="customer">
      <h1>{refusal.title}</h1>
      <div class="notice bad" id="refusal">
        <p>{refusal.message}</p>
        <p>{refusal.nextStep}</p>
        <p>Nothing was changed in any tenant.</p>
      </div>
    </Layout>,
  )
}

/** Microsoft's sign-in did not complete (cancelled at the account picker, or a response we cannot verify). */
export function signInProblemPage(attemptId: string, kind: SignInProblem, partner: Partner): string {
  const p = presentSignInProblem(kind, partner)
  return renderDocument(
    <Layout title={p.title} audience="customer">
      <h1>{p.title}</h1>
      <div class="notice warn">
        <p>{p.text}</p>
      </div>
      <RetryForm attemptId={attemptId} />
    </Layout>,
  )
}
