// Minimal server-rendered pages for the simulated sign-in, consent and error screens. Every reflected
// value goes through escapeHtml.
import type { FastifyReply } from 'fastify'
import { escapeHtml } from '../errors.ts'

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px} .muted{color:#605e5c;font-size:13px}
button{font-size:15px;padding:6px 20px;margin:4px 8px 4px 0;border:1px solid #8a8886;background:#fff;cursor:pointer}
button.primary{background:#0067b8;color:#fff;border-color:#0067b8} ul{padding-left:20px}
.banner{background:#fff4ce;padding:8px;font-size:12px;margin-bottom:16px}
.error{color:#a80000}
</style></head>
<body><main><div class="banner">Microsoft simulator (Crosstrust) - not a real Microsoft page</div>${body}</main></body></html>`
}

export function hiddenInputs(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n')
}

export function errorPage(code: number, message: string, correlationId: string): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p class="error" id="error-code">AADSTS${code}: ${escapeHtml(message)}</p>
<p class="muted">Request Id: ${escapeHtml(correlationId)}<br>Timestamp: ${escapeHtml(new Date().toISOString())}</p>`,
  )
}

/** 400 with the error page: errors Microsoft shows on its own page instead of redirecting to the app. */
export function sendErrorPage(
  reply: FastifyReply,
  code: number,
  message: string,
  correlationId: string,
): FastifyReply {
  return reply
    .code(400)
    .type('text/html')
    .send(errorPage(code, message, correlationId))
}

export function tenantNotFoundMessage(segment: string): string {
  return `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`
}

/** form_post response mode: an auto-submitting form (with a visible button when scripts are off). */
export function formPost(action: string, fields: Record<string, string | undefined>): string {
  return page(
    'Working...',
    `<form method="post" action="${escapeHtml(action)}" id="f">${hiddenInputs(fields)}<noscript><button type="submit">Continue</button></noscript></form>
<script>document.getElementById('f').submit()</script>`,
  )
}
