// The simulator's demo seed for the container check: the demo tenants and staff, with this run's redirect
// URIs (the API's port) and app secrets. Usage: tsx test/container/sim-seed.ts <api base URL> > seed.json
// with APP_CLIENT_SECRET and STAFF_CLIENT_SECRET in the environment.
import { buildDemoSeed } from '@crosstrust/ms-sim'

const [baseUrl] = process.argv.slice(2)
const appSecret = process.env.APP_CLIENT_SECRET
const staffSecret = process.env.STAFF_CLIENT_SECRET
if (!baseUrl || !appSecret || !staffSecret) {
  process.stderr.write('usage: APP_CLIENT_SECRET=… STAFF_CLIENT_SECRET=… sim-seed.ts <api base URL>\n')
  process.exit(2)
}
const seed = buildDemoSeed({
  appSecret,
  staffAppSecret: staffSecret,
  redirectUris: [
    `${baseUrl}/consent/callback`,
    `${baseUrl}/consent/signed-in`,
    `${baseUrl}/status/signed-in`,
  ],
  staffRedirectUris: [`${baseUrl}/auth/callback`],
})
process.stdout.write(`${JSON.stringify(seed)}\n`)
