// Typed domain errors. Services throw these; the API's single error handler turns them into RFC 9457
// problem+json via `toProblemDetails`, so status codes and stable codes live in one place.

export interface DomainErrorOptions {
  /** Stable machine-readable code; defaults per class. Clients branch on this, never on `detail`. */
  code?: string
  /** Extra problem members (RFC 9457 extensions), e.g. `{ customerId }`. Never secrets. */
  extensions?: Record<string, unknown>
  cause?: unknown
}

export abstract class DomainError extends Error {
  abstract readonly status: number
  abstract readonly title: string
  readonly code: string
  readonly detail: string
  readonly extensions: Record<string, unknown>

  protected constructor(defaultCode: string, detail: string, options: DomainErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code ?? defaultCode
    this.detail = detail
    this.extensions = options.extensions ?? {}
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404
  readonly title = 'Not found'
  constructor(detail: string, options?: DomainErrorOptions) {
    super('not_found', detail, options)
  }
}

export class ConflictError extends DomainError {
  readonly status = 409
  readonly title = 'Conflict'
  constructor(detail: string, options?: DomainErrorOptions) {
    super('conflict', detail, options)
  }
}

export interface ValidationIssue {
  path: string
  message: string
}

export class ValidationError extends DomainError {
  readonly status = 400
  readonly title = 'Invalid request'
  readonly issues: ValidationIssue[]
  constructor(detail: string, issues: ValidationIssue[] = [], options?: DomainErrorOptions) {
    super('validation_failed', detail, options)
    this.issues = issues
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401
  readonly title = 'Authentication required'
  constructor(detail: string, options?: DomainErrorOptions) {
    super('unauthorized', detail, options)
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403
  readonly title = 'Forbidden'
  constructor(detail: string, options?: DomainErrorOptions) {
    super('forbidden', detail, options)
  }
}

export class UnprocessableError extends DomainError {
  readonly status = 422
  readonly title = 'Unprocessable request'
  constructor(detail: string, options?: DomainErrorOptions) {
    super('unprocessable', detail, options)
  }
}

export class RateLimitedError extends DomainError {
  readonly status = 429
  readonly title = 'Too many requests'
  readonly retryAfterSeconds: number
  constructor(detail: string, retryAfterSeconds: number, options?: DomainErrorOptions) {
    super('rate_limited', detail, options)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError
}

export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  [extension: string]: unknown
}

/** RFC 9457 body for a domain error. `instance` is typically the request path or request id. */
export function toProblemDetails(error: DomainError, instance?: string): ProblemDetails {
  const problem: ProblemDetails = {
    ...error.extensions,
    type: `urn:crosstrust:problem:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    code: error.code,
  }
  if (instance !== undefined) problem.instance = instance
  if (error instanceof ValidationError) problem.issues = error.issues
  if (error instanceof RateLimitedError) problem.retryAfterSeconds = error.retryAfterSeconds
  return problem
}
