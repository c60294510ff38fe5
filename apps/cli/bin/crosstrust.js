#!/usr/bin/env node
// The `crosstrust` command: runs the TypeScript source through tsx (no build step, as the workspace does).
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/main.ts')
process.exitCode = await main(process.argv.slice(2))
