// Builds one app for its container image: bundles the app and the workspace packages it imports
// (consumed as TypeScript source) into dist/, leaving third-party packages external so that
// `pnpm deploy --prod` supplies them as ordinary node_modules.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'

const [appDir, ...entries] = process.argv.slice(2)
if (!appDir || entries.length === 0) {
  console.error('usage: node scripts/build-app.mjs <app dir> <entry.ts…>')
  process.exit(2)
}
const outdir = resolve(appDir, 'dist')
rmSync(outdir, { recursive: true, force: true })

await build({
  entryPoints: entries.map((e) => resolve(appDir, e)),
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Server-rendered pages are TSX (apps/api): the automatic runtime of hono/jsx.
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  plugins: [
    {
      name: 'externalize-third-party',
      setup(b) {
        // Bare specifiers that are not our workspace packages stay external.
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@crosstrust/') || args.path.startsWith('node:')
            ? undefined
            : { path: args.path, external: true },
        )
      },
    },
  ],
})
console.log(`built ${entries.join(', ')} → ${outdir}`)
