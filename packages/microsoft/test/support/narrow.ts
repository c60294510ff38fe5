import { AccessLostError, type MicrosoftError } from '../../src/errors.ts'

/** Narrows to AccessLostError or fails the test with the kind it got. */
export function accessLost(error: MicrosoftError): AccessLostError {
  if (!(error instanceof AccessLostError)) throw new Error(`expected access_lost, got ${error.kind}`)
  return error
}
