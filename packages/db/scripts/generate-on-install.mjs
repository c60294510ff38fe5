// `postinstall` of @crosstrust/db: generate the Prisma client so that every documented command (`pnpm demo`,
// `pnpm bench`, `pnpm test`) works right after `pnpm install`. No database is needed: prisma.config.ts sets a
// placeholder DATABASE_URL for `generate` (packages/db/README.md, "Prisma offline: the workarounds").
// Skipped, with a line saying so, where the schema is not there: the Docker dependency layer installs from
// package.json files alone and runs `pnpm db:generate` once the sources are copied in.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const schema = path.resolve(packageDir, '../../prisma/schema.prisma')

if (!existsSync(schema) || !existsSync(path.join(packageDir, 'prisma.config.ts'))) {
  console.log(
    '@crosstrust/db: no prisma/schema.prisma here, Prisma client not generated (run `pnpm db:generate`)',
  )
  process.exit(0)
}
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js')
const result = spawnSync(process.execPath, [prismaCli, 'generate'], { cwd: packageDir, stdio: 'inherit' })
process.exit(result.status ?? 1)
