// The dependency rules of the repository, written down once and checked by `pnpm lint:deps` (a gate of
// `pnpm check`). ARCHITECTURE.md explains the layers; test/boundaries/dependency-rules.test.ts proves that
// each rule fails on a violation. Paths are relative to the repository root.

/** Which workspace packages each package's source may import (by name). Apps may import any package. */
const PACKAGE_DEPENDENCIES = {
  core: [], // the pure domain: no workspace package at all
  config: [],
  logger: [],
  db: [],
  jobs: [],
  microsoft: [], // the only code that talks to Microsoft
  'ms-sim': [], // the simulator stands alone: it must not learn from the code it simulates for
  testkit: ['db'],
  metrics: ['jobs', 'microsoft'], // figures come in as functions, not as a database handle
  services: ['core', 'db', 'jobs', 'microsoft'],
}

// Node built-ins that do I/O or start processes; packages/core may use none of them.
const IO_BUILTINS =
  '^(node:)?(fs|fs/promises|net|tls|http|https|http2|dns|dns/promises|dgram|child_process|cluster|worker_threads|readline|repl|inspector|process)$'

const packageRules = Object.entries(PACKAGE_DEPENDENCIES).map(([name, allowed]) => ({
  name: `package-${name}-dependencies`,
  comment: `packages/${name}/src may import only these workspace packages: ${allowed.join(', ') || 'none'}.`,
  severity: 'error',
  from: { path: `^packages/${name}/src/` },
  to: {
    path: '^(apps|packages)/',
    pathNot: `^packages/(${[name, ...allowed].map((p) => p.replace('-', '\\-')).join('|')})/`,
  },
}))

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere: extract what both sides need into a module of its own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'packages-do-not-import-apps',
      comment: 'Apps compose packages; a package never reaches into an app.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-do-not-import-other-apps',
      comment: 'Each app composes packages on its own; shared code belongs in a package.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    ...packageRules,
    {
      name: 'core-does-no-io',
      comment: 'packages/core is pure: no I/O libraries, only zod and ipaddr.js from npm.',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { path: 'node_modules/', pathNot: 'node_modules/(zod|ipaddr\\.js)/' },
    },
    {
      name: 'core-does-no-io-builtins',
      comment: 'packages/core is pure: no Node built-in that does I/O (node:crypto for hashing is fine).',
      severity: 'error',
      from: { path: '^packages/core/src/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'microsoft-sdks-only-in-packages-microsoft',
      comment:
        'Only packages/microsoft talks to Microsoft. Exception: the simulator tests that prove its fidelity ' +
        'with the real SDKs.',
      severity: 'error',
      from: {
        pathNot: ['^packages/microsoft/', '^packages/ms-sim/test/'],
      },
      to: { path: 'node_modules/(@azure/msal-node|@microsoft/microsoft-graph-client)/' },
    },
    {
      name: 'api-routes-call-services',
      comment:
        'Routes in apps/api call @crosstrust/services; they never import the database client or Prisma.',
      severity: 'error',
      from: { path: '^apps/api/src/routes/' },
      to: { path: ['^packages/db/', 'node_modules/(prisma|@prisma/[^/]+|pg)/'] },
    },
    {
      name: 'product-code-has-no-test-code',
      comment: 'The simulator and the test kit are for tests, benchmarks and the demo only.',
      severity: 'error',
      from: { path: '^(apps|packages)/[^/]+/src/', pathNot: '^packages/(ms-sim|testkit)/' },
      to: { path: '^packages/(ms-sim|testkit)/' },
    },
    {
      name: 'workspace-packages-by-name',
      comment:
        'Import another workspace package by its name (@crosstrust/…), never by a relative path into it.',
      severity: 'error',
      // Exception: packages/db's own tests import the test kit by path, since the test kit depends on db
      // and a dependency back would make the two packages a workspace cycle.
      from: { path: '^(apps|packages)/([^/]+)/', pathNot: '^packages/db/test/' },
      to: { dependencyTypes: ['local'], path: '^(apps|packages)/', pathNot: '^$1/$2/' },
    },
    {
      name: 'test-imports-packages-by-name',
      comment: 'test/ imports packages by their names (@crosstrust/…), not by relative paths into them.',
      severity: 'error',
      // Exception: the simulator's empty partner model, which its entry point does not export (yet).
      from: { path: '^test/', pathNot: '^test/support/partner-assert\\.ts$' },
      to: { dependencyTypes: ['local'], path: '^packages/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(apps|packages)/[^/]+/(dist|src/generated)/|^test/boundaries/fixture/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.d.ts'],
    },
  },
}
