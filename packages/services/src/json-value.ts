// One way to hand a value to a jsonb column: as JSON.stringify sees it (Dates become ISO strings, undefined
// members and functions vanish), so what is stored is exactly what a reader gets back.
import { Prisma } from '@crosstrust/db'

/** The value as jsonb will store it. For a value that may be null or undefined use one of the two below. */
export function toJsonValue(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue
}

/** For an optional column: null or undefined leaves it SQL NULL (the field is omitted). */
export function optionalJsonValue(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined || value === null ? undefined : toJsonValue(value)
}

/** For a required column: null or undefined is stored as the JSON value `null`. */
export function jsonValueOrJsonNull(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === undefined || value === null ? Prisma.JsonNull : toJsonValue(value)
}
