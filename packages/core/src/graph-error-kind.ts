// How a failed Microsoft call is classified (the microsoft package maps status codes and AADSTS codes to
// these). The domain reasons on the kind only: e.g. `transient` and `throttled` are never drift.
export const GRAPH_ERROR_KINDS = [
  'transient',
  'throttled',
  'access_lost',
  'not_found',
  'conflict',
  'bad_request',
  'licence',
] as const

export type GraphErrorKind = (typeof GRAPH_ERROR_KINDS)[number]
