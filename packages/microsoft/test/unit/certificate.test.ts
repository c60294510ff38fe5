import { createClientCertificate } from '@crosstrust/ms-sim'
import { describe, expect, it } from 'vitest'
import { msalCertificate } from '../../src/certificate.ts'

describe('msalCertificate', () => {
  it('derives the SHA-256 thumbprint MSAL sends as x5t#S256, and passes the cert as x5c', async () => {
    const cert = await createClientCertificate('CN=thumbprint-test')
    const msal = msalCertificate(cert.certPem, cert.keyPem)
    expect(msal.thumbprintSha256).toBe(cert.thumbprintSha256.toLowerCase())
    expect(msal.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(msal.x5c).toBe(cert.certPem)
    expect(msal.privateKey).toBe(cert.keyPem)
  })

  it('fails fast on something that is not a certificate', () => {
    expect(() => msalCertificate('not a pem', 'key')).toThrow(
      expect.objectContaining({ code: 'ERR_OSSL_PEM_NO_START_LINE' }),
    )
  })
})
