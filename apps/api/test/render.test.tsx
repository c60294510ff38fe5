// The renderer escapes by default: text children and attribute values cannot open a tag or leave a quoted
// attribute, and the layout puts the doctype first.
import { describe, expect, it } from 'vitest'
import { Layout } from '../src/html/layout.tsx'
import { renderDocument, renderFragment } from '../src/html/render.ts'

describe('server-side rendering', () => {
  it('escapes text and attribute values', () => {
    const hostile = `<script>alert("x" + 'y')</script> & more`
    expect(renderFragment(<p title={`" onmouseover='alert(1)`}>{hostile}</p>)).toBe(
      '<p title="&quot; onmouseover=&#39;alert(1)">' +
        '&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; more</p>',
    )
  })

  it('renders a whole document on the one layout', () => {
    expect(
      renderDocument(
        <Layout title="<Hi>" audience="staff" refreshSeconds={5} scripts={['/assets/dashboard.js']}>
          <h1>Body</h1>
        </Layout>,
      ),
    ).toBe(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"/>' +
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>' +
        '<meta name="referrer" content="no-referrer"/>' +
        '<noscript><meta http-equiv="refresh" content="5"/></noscript>' +
        '<title>&lt;Hi&gt; · Crosstrust</title><link rel="stylesheet" href="/assets/app.css"/>' +
        '<script src="/assets/dashboard.js" defer=""></script></head>' +
        '<body class="staff"><header class="topbar"><a class="brand" href="/">Crosstrust</a></header>' +
        '<main id="main"><h1>Body</h1></main>' +
        '<footer class="footer">Crosstrust · cross-tenant access onboarding</footer></body></html>',
    )
  })
})
