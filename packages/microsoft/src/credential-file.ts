// Loads the partner app credential from configuration: a client secret, or one PEM file holding the
// certificate and its private key (Microsoft recommends certificates over secrets for confidential clients).
import { readFileSync } from 'node:fs'
import type { ClientCredential } from './token-provider.ts'

export function loadClientCredential(source: {
  certificatePath?: string | undefined
  secret?: string | undefined
}): ClientCredential {
  if (source.certificatePath) {
    const pem = readFileSync(source.certificatePath, 'utf8')
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0]
    const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0]
    if (!cert || !key) {
      throw new Error('APP_CLIENT_CERTIFICATE_PATH must contain a PEM certificate and its PEM private key')
    }
    return { kind: 'certificate', certificatePem: cert, privateKeyPem: key }
  }
  return { kind: 'secret', secret: source.secret ?? '' }
}
