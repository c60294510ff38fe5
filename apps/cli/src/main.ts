import { parseArgs, type ParseArgsConfig } from 'node:util'
import * as commands from './commands.ts'
import type { CommandContext } from './commands.ts'
import { CliError, EXIT } from './errors.ts'
import { stdio, type Output } from './output.ts'

// `crosstrust <command> [subcommand] [args] [options]`, parsed with node:util parseArgs (strict: unknown
// options are usage errors). Every command talks to the JSON API only; see README.md.

type Options = NonNullable<ParseArgsConfig['options']>

const GLOBAL: Options = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
}
const FILTERS: Options = {
  state: { type: 'string' },
  compliance: { type: 'string' },
  trust: { type: 'string' },
  mode: { type: 'string' },
  search: { type: 'string', short: 'q' },
}

interface Command {
  usage: string
  summary: string
  options: Options
  run: (ctx: CommandContext) => Promise<void>
}

const COMMANDS: Record<string, Command> = {
  'customers list': {
    usage:
      'customers list [--state S] [--compliance C] [--trust V] [--mode M] [-q TEXT] [--sort F] [--order asc|desc] [--limit N] [--cursor C] [--all]',
    summary: 'List customers with their onboarding step, compliance and the guide’s verification view',
    options: {
      ...FILTERS,
      sort: { type: 'string' },
      order: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      all: { type: 'boolean' },
    },
    run: commands.customersList,
  },
  'customers add': {
    usage:
      'customers add <name> [--tenant <tenant id or domain>] [--contact "Name <email>"]... [--notes T] [--mode M]',
    summary: 'Create a customer',
    options: {
      tenant: { type: 'string' },
      contact: { type: 'string', multiple: true },
      notes: { type: 'string' },
      mode: { type: 'string' },
    },
    run: commands.customersAdd,
  },
  'customers show': {
    usage: 'customers show <customer id>',
    summary: 'Show one customer: state, steps, verification view, links, runs',
    options: {},
    run: commands.customersShow,
  },
  link: {
    usage: 'link <customer id>',
    summary: 'Issue a new consent link and print it (earlier open links are revoked)',
    options: {},
    run: commands.link,
  },
  recheck: {
    usage: 'recheck <customer id>',
    summary: 'Re-check the partner entry now',
    options: {},
    run: commands.recheck,
  },
  apply: {
    usage: 'apply <customer id>',
    summary: 'Re-apply the policy now',
    options: {},
    run: commands.apply,
  },
  offboard: {
    usage: 'offboard <customer id> --yes [--reason TEXT]',
    summary: 'Offboard a customer (Admin): removes the partner entry, stops monitoring',
    options: { yes: { type: 'boolean' }, reason: { type: 'string' } },
    run: commands.offboard,
  },
  export: {
    usage: 'export [--output FILE] [--state S] [--compliance C] [--trust V] [--mode M] [-q TEXT]',
    summary: 'Export customers as CSV (stdout unless --output)',
    options: { ...FILTERS, output: { type: 'string', short: 'o' } },
    run: commands.exportCsv,
  },
  login: {
    usage:
      'login [--url URL] [--tenant ID --client-id ID] [--login-url URL] [--port N] [--no-browser] | login --with-token < token',
    summary: 'Sign in (browser, authorization code + PKCE) or store a token read from stdin',
    options: {
      'with-token': { type: 'boolean' },
      tenant: { type: 'string' },
      'client-id': { type: 'string' },
      'login-url': { type: 'string' },
      port: { type: 'string' },
      'no-browser': { type: 'boolean' },
    },
    run: commands.login,
  },
  'audit verify': {
    usage: 'audit verify [--anchor <position>:<hash>]',
    summary:
      'Verify the audit hash chain; prints its head (keep it outside the database and pass it back as --anchor later to detect deleted newest rows or a recomputed chain; exit 4 when broken)',
    options: { anchor: { type: 'string' } },
    run: commands.auditVerify,
  },
  evidence: {
    usage: 'evidence <customer id> [--from DATE] [--to DATE] [--output FILE] [--pdf FILE]',
    summary:
      'Download the customer’s signed evidence pack for a period (default: the last 30 days); --pdf also writes its PDF',
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
      pdf: { type: 'string' },
    },
    run: commands.evidenceExport,
  },
  'evidence verify': {
    usage: 'evidence verify <file> [--public-key FILE]',
    summary:
      'Verify an evidence pack offline against the signer’s public key (or CROSSTRUST_EVIDENCE_PUBLIC_KEY_FILE); exit 4 when it was changed',
    options: { 'public-key': { type: 'string' } },
    run: commands.evidenceVerify,
  },
  'report fleet': {
    usage: 'report fleet [--from DATE] [--to DATE] [--format csv|pdf] [--output FILE]',
    summary:
      'The fleet report: compliance, mean time to detect and repair drift, open deviations, trust not effective',
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    run: commands.fleetReport,
  },
  logout: { usage: 'logout', summary: 'Forget the stored sign-in', options: {}, run: commands.logout },
  whoami: {
    usage: 'whoami',
    summary: 'Show who the token belongs to and its roles',
    options: {},
    run: commands.whoami,
  },
}

function help(): string {
  const lines = Object.values(COMMANDS).map((c) => `  crosstrust ${c.usage}\n      ${c.summary}`)
  return [
    'crosstrust: the Crosstrust staff CLI (over the JSON API)',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options: --json (machine output), --url URL (API base URL), -h/--help',
    'Environment: CROSSTRUST_URL (API base URL), CROSSTRUST_TOKEN (bearer token; overrides `login`),',
    '  CROSSTRUST_TENANT_ID, CROSSTRUST_CLIENT_ID, CROSSTRUST_LOGIN_URL, CROSSTRUST_CLIENT_SECRET (login),',
    '  CROSSTRUST_EVIDENCE_PUBLIC_KEY_FILE (evidence verify)',
    'Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 not signed in or token refused,',
    '  4 audit chain broken or evidence pack changed',
    '',
  ].join('\n')
}

function findCommand(argv: string[]): { name: string; command: Command; rest: string[] } | null {
  const [first, second] = argv
  if (first === undefined) return null
  const two = `${first} ${second ?? ''}`
  if (COMMANDS[two]) return { name: two, command: COMMANDS[two], rest: argv.slice(2) }
  if (first === 'customers' && (second === undefined || second.startsWith('-'))) {
    const list = COMMANDS['customers list']
    return list ? { name: 'customers list', command: list, rest: argv.slice(1) } : null
  }
  const one = COMMANDS[first]
  return one ? { name: first, command: one, rest: argv.slice(1) } : null
}

export async function main(
  argv: string[],
  io: Output = stdio,
  env: NodeJS.ProcessEnv = process.env,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.out(help())
    return argv.length === 0 ? EXIT.usage : EXIT.ok
  }
  const found = findCommand(argv)
  if (!found) {
    io.err(`Unknown command: ${argv.slice(0, 2).join(' ')}\n\n${help()}`)
    return EXIT.usage
  }
  try {
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({
        args: found.rest,
        options: { ...GLOBAL, ...found.command.options },
        allowPositionals: true,
        strict: true,
      })
    } catch (err) {
      throw new CliError(`${(err as Error).message}\nUsage: crosstrust ${found.command.usage}`, EXIT.usage)
    }
    if (parsed.values.help === true) {
      io.out(`Usage: crosstrust ${found.command.usage}\n${found.command.summary}\n`)
      return EXIT.ok
    }
    await found.command.run({
      io,
      env,
      stdin,
      args: parsed.positionals,
      values: parsed.values as CommandContext['values'],
    })
    return EXIT.ok
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`crosstrust ${found.name}: ${err.message}\n`)
      return err.exitCode
    }
    io.err(
      `crosstrust ${found.name}: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`,
    )
    return EXIT.failed
  }
}
