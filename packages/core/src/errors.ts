// Typed domain errors. Services throw these; each carries only domain facts (a stable code, a detail for
// people, extensions, and what is particular to its class). How an error is answered over HTTP (status,
// title, problem+json) is the API's business and is decided in one place there.

export interface DomainErrorOptions {
  /** Stable machine-readable code; defaults per class. Clients branch on this, never on `detail`. */
  code?: string
  /** Extra facts for the caller (RFC 9457 extensions over HTTP), e.g. `{ customerId }`. Never secrets. */
  extensions?: Record<string, unknown>
  cause?: unknown
}

export abstract class DomainError extends Error {
  /** The `code` of an error of this class unless the thrower names a more specific one. */
  protected static readonly defaultCode: string = 'domain_error'
  readonly code: string
  readonly detail: string
  readonly extensions: Record<string, unknown>

  constructor(detail: string, options: DomainErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code ?? new.target.defaultCode
    this.detail = detail
    this.extensions = options.extensions ?? {}
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {
  protected static override readonly defaultCode = 'not_found'
}

/** The request clashes with the current state (a used link, a taken tenant, an illegal transition). */
export class ConflictError extends DomainError {
  protected static override readonly defaultCode = 'conflict'
}

/** The caller is not signed in. */
export class UnauthorizedError extends DomainError {
  protected static override readonly defaultCode = 'unauthorized'
}

/** The caller is signed in but may not do this. */
export class ForbiddenError extends DomainError {
  protected static override readonly defaultCode = 'forbidden'
}

/** Well-formed input that cannot be acted on (e.g. a domain no tenant answers for). */
export class UnprocessableError extends DomainError {
  protected static override readonly defaultCode = 'unprocessable'
}

export interface ValidationIssue {
  path: string
  message: string
}

/** Input that breaks the rules; `issues` names each bad field. */
export class ValidationError extends DomainError {
  protected static override readonly defaultCode = 'validation_failed'
  readonly issues: ValidationIssue[]
  constructor(detail: string, issues: ValidationIssue[] = [], options?: DomainErrorOptions) {
    super(detail, options)
    this.issues = issues
  }
}

/** Too many requests; the caller may try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  protected static override readonly defaultCode = 'rate_limited'
  readonly retryAfterSeconds: number
  constructor(detail: string, retryAfterSeconds: number, options?: DomainErrorOptions) {
    super(detail, options)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** A capability this deployment has not been configured for (e.g. no evidence signing key). */
export class NotConfiguredError extends DomainError {
  protected static override readonly defaultCode = 'not_configured'
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError
}
