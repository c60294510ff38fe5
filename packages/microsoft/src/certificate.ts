// Turns our PEM certificate into what MSAL needs for a certificate credential: the SHA-256 thumbprint
// (sent as x5t#S256 in the client assertion header) and the certificate itself as x5c.
import { X509Certificate } from 'node:crypto'

export interface MsalCertificate {
  thumbprintSha256: string
  privateKey: string
  x5c: string
}

export function msalCertificate(certificatePem: string, privateKeyPem: string): MsalCertificate {
  const cert = new X509Certificate(certificatePem)
  // fingerprint256 is "AB:CD:..."; MSAL wants plain hex.
  const thumbprintSha256 = cert.fingerprint256.replaceAll(':', '').toLowerCase()
  return { thumbprintSha256, privateKey: privateKeyPem, x5c: certificatePem }
}
