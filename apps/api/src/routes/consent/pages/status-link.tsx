// The status page link, handed once to the admin who just consented (from the consent result page).
import type { StatusLinkFromConsent } from '@crosstrust/services'
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'

export function statusLinkPage(
  result: Exclude<StatusLinkFromConsent, { kind: 'unknown' }>,
  partner: { name: string },
): string {
  if (result.kind !== 'issued') {
    return renderDocument(
      <Layout title="Status page link" audience="customer">
        <h1>Status page link</h1>
        <div class="notice warn">
          <p>
            {result.kind === 'already_issued'
              ? 'The link was already shown for this consent and is not shown again.'
              : 'The link is available once the partner configuration is in place.'}{' '}
            Ask {partner.name} for your status page link.
          </p>
        </div>
      </Layout>,
    )
  }
  return renderDocument(
    <Layout title="Status page link" audience="customer">
      <h1>Your status page link</h1>
      <div class="notice ok">
        <p>Keep this link: it is shown only now. Anyone signing in through it must be of your own tenant.</p>
        <p>
          <a href={result.url} id="status-link" rel="noreferrer">
            {result.url}
          </a>
        </p>
      </div>
    </Layout>,
  )
}
