import { ValidationError } from '@crosstrust/core'
import type { z } from 'zod'

/** Parses untrusted input with a zod schema; failures become a ValidationError naming each issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ValidationError(
    `Invalid ${what}.`,
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  )
}
