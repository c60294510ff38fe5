// The product processes run as production runs them: the esbuild bundle (scripts/build-app.mjs, the app's
// `build` script) next to a `pnpm deploy --prod` node_modules (hoisted, as in the image), started with the
// exact Node flags of the app's `CMD` in docker/Dockerfile. Reading the flags from the Dockerfile keeps the
// benchmark and the image from drifting apart.
import { execFileSync } from 'node:child_process'
import { cpSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './processes.ts'

export type ProductApp = 'api' | 'worker'

export interface ProductionApp {
  /** Working directory the process starts in (the deployed app, like /app in the image). */
  cwd: string
  /** The bundle entry relative to cwd (`dist/main.js`). */
  entry: string
  /** Node flags from the Dockerfile's CMD (e.g. --enable-source-maps --max-old-space-size=…). */
  nodeFlags: string[]
}

/** The `CMD ["node", flags…, entry]` of the Dockerfile stage `FROM runtime AS <app>`. */
export function dockerfileCommand(app: ProductApp, dockerfile: string): { flags: string[]; entry: string } {
  const stage = dockerfile.split(/^FROM /m).find((s) => new RegExp(`^\\S+ AS ${app}\\s`).test(s))
  const cmd = stage ? /^CMD (\[.*\])$/m.exec(stage)?.[1] : undefined
  if (!cmd) throw new Error(`docker/Dockerfile: no CMD for the ${app} stage`)
  const argv = JSON.parse(cmd) as string[]
  const entry = argv.at(-1)
  if (argv[0] !== 'node' || !entry?.startsWith('dist/')) {
    throw new Error(`docker/Dockerfile: the ${app} CMD is not "node … dist/<entry>.js"`)
  }
  return { flags: argv.slice(1, -1), entry }
}

/** Builds the bundle and deploys the app's production dependencies into .bench/deploy/<app>. */
export function prepareProductionApp(app: ProductApp, log: (line: string) => void): ProductionApp {
  const pkg = `@crosstrust/${app}`
  const cwd = join(REPO_ROOT, '.bench/deploy', app)
  log(`${app}: building the production bundle and deploying its dependencies (${cwd})`)
  const run = (args: string[]) => execFileSync('pnpm', args, { cwd: REPO_ROOT, stdio: 'pipe' })
  run(['--filter', pkg, 'run', 'build'])
  rmSync(cwd, { recursive: true, force: true })
  // --ignore-scripts: the db package's postinstall generates the Prisma client, which the bundle already
  // contains (the image runs `pnpm db:generate` before building, as the build above relies on).
  const deploy = [
    '--filter',
    pkg,
    'deploy',
    '--prod',
    '--ignore-scripts',
    '--config.node-linker=hoisted',
    cwd,
  ]
  try {
    run([...deploy, '--offline'])
  } catch {
    // The store lacks a package: let pnpm fetch it, into an empty directory again (the failed attempt may
    // have copied the package's files already, and pnpm deploy refuses a non-empty target).
    rmSync(cwd, { recursive: true, force: true })
    run(deploy)
  }
  cpSync(join(REPO_ROOT, 'apps', app, 'dist'), join(cwd, 'dist'), { recursive: true })
  const { flags, entry } = dockerfileCommand(app, readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8'))
  return { cwd, entry, nodeFlags: flags }
}
