import { ApiClient } from '../api-client.ts'
import { CliError, EXIT } from '../errors.ts'
import type { Output } from '../output.ts'
import { resolveTarget } from '../settings.ts'

// What every command shares: its context, the API client for the chosen target, and argument helpers.

export interface CommandContext {
  io: Output
  env: NodeJS.ProcessEnv
  values: Record<string, string | boolean | string[] | undefined>
  args: string[]
  stdin: NodeJS.ReadableStream
}

export type Json = Record<string, unknown>

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
export const asJson = (ctx: CommandContext) => ctx.values.json === true

export async function client(ctx: CommandContext): Promise<ApiClient> {
  return new ApiClient(await resolveTarget(str(ctx.values.url), ctx.env))
}

export function idArg(ctx: CommandContext, what = 'customer ID'): string {
  const id = ctx.args[0]
  if (!id) throw new CliError(`Missing the ${what}.`, EXIT.usage)
  return encodeURIComponent(id)
}

export function filterQuery(ctx: CommandContext) {
  return {
    onboardingState: str(ctx.values.state),
    complianceState: str(ctx.values.compliance),
    trust: str(ctx.values.trust),
    mode: str(ctx.values.mode),
    q: str(ctx.values.search),
  }
}
