import type { GraphErrorKind } from '@crosstrust/core'
import type { MicrosoftError } from '@crosstrust/microsoft'

/** Core reasons on Graph error kinds; our-side setup errors (configuration, unknown tenant) read as bad requests. */
export function graphErrorKind(err: MicrosoftError): GraphErrorKind {
  return err.kind === 'configuration' || err.kind === 'unknown_tenant' ? 'bad_request' : err.kind
}

/** A short, stable code for the run: `AADSTS7000229`, the Graph code, or `HTTP 503`. */
export function errorCodeOf(err: MicrosoftError): string {
  const aadsts = err.aadstsCodes[0]
  if (aadsts !== undefined) return `AADSTS${aadsts}`
  if (err.code !== undefined) return err.code
  return err.status === undefined ? err.kind : `HTTP ${err.status}`
}

/** Microsoft's and our messages never carry tokens; still bounded so a run row stays small. */
export function errorMessageOf(err: MicrosoftError): string {
  return `${err.kind}: ${err.message}`.slice(0, 500)
}
