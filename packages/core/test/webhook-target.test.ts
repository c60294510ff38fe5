import { describe, expect, it } from 'vitest'
import { NO_PRIVATE_NETWORKS, addressRefusal, parseAllowedNetworks, webhookUrlProblem } from '../src/index.ts'

describe('addressRefusal', () => {
  it.each([
    ['127.0.0.1', 'address 127.0.0.1 is not allowed (loopback)'],
    ['127.255.0.9', 'address 127.255.0.9 is not allowed (loopback)'],
    ['10.0.0.5', 'address 10.0.0.5 is not allowed (private network)'],
    ['172.16.3.4', 'address 172.16.3.4 is not allowed (private network)'],
    ['192.168.1.1', 'address 192.168.1.1 is not allowed (private network)'],
    ['169.254.169.254', 'address 169.254.169.254 is not allowed (link-local)'],
    ['100.64.0.1', 'address 100.64.0.1 is not allowed (carrier-grade NAT)'],
    ['224.0.0.1', 'address 224.0.0.1 is not allowed (multicast)'],
    ['0.0.0.0', 'address 0.0.0.0 is not allowed (unspecified address)'],
    ['255.255.255.255', 'address 255.255.255.255 is not allowed (broadcast address)'],
    ['192.0.2.7', 'address 192.0.2.7 is not allowed (reserved range)'],
    ['198.51.100.7', 'address 198.51.100.7 is not allowed (reserved range)'],
    ['203.0.113.7', 'address 203.0.113.7 is not allowed (reserved range)'],
    ['198.18.0.1', 'address 198.18.0.1 is not allowed (reserved range)'],
    ['240.0.0.1', 'address 240.0.0.1 is not allowed (reserved range)'],
    // Numeric host forms read as the address they denote.
    ['2130706433', 'address 127.0.0.1 is not allowed (loopback)'],
    ['0x7f.1', 'address 127.0.0.1 is not allowed (loopback)'],
    ['0x7f000001', 'address 127.0.0.1 is not allowed (loopback)'],
    ['017700000001', 'address 127.0.0.1 is not allowed (loopback)'],
    ['127.1', 'address 127.0.0.1 is not allowed (loopback)'],
    ['0xa.0.0.5', 'address 10.0.0.5 is not allowed (private network)'],
    // IPv6.
    ['::1', 'address ::1 is not allowed (loopback)'],
    ['[::1]', 'address ::1 is not allowed (loopback)'],
    ['::', 'address :: is not allowed (unspecified address)'],
    ['fc00::1', 'address fc00::1 is not allowed (unique-local)'],
    ['fd12:3456::1', 'address fd12:3456::1 is not allowed (unique-local)'],
    ['fe80::1', 'address fe80::1 is not allowed (link-local)'],
    ['ff02::1', 'address ff02::1 is not allowed (multicast)'],
    ['2001:db8::1', 'address 2001:db8::1 is not allowed (reserved range)'],
    ['2001::1', 'address 2001::1 is not allowed (Teredo tunnel)'],
    ['fec0::1', 'address fec0::1 is not allowed (site-local)'],
    ['::7f00:1', 'address ::7f00:1 is not allowed (reserved range)'],
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ['::ffff:127.0.0.1', 'address ::ffff:7f00:1 is not allowed (embeds 127.0.0.1, loopback)'],
    ['::ffff:7f00:1', 'address ::ffff:7f00:1 is not allowed (embeds 127.0.0.1, loopback)'],
    [
      '::ffff:169.254.169.254',
      'address ::ffff:a9fe:a9fe is not allowed (embeds 169.254.169.254, link-local)',
    ],
    ['64:ff9b::10.0.0.5', 'address 64:ff9b::a00:5 is not allowed (embeds 10.0.0.5, private network)'],
    ['64:ff9b:1::a00:5', 'address 64:ff9b:1::a00:5 is not allowed (local-use NAT64)'],
    ['2002:a00:5::1', 'address 2002:a00:5::1 is not allowed (embeds 10.0.0.5, private network)'],
    ['2002:7f00:1::', 'address 2002:7f00:1:: is not allowed (embeds 127.0.0.1, loopback)'],
    ['not-an-ip', 'address not-an-ip is not an IP address'],
  ])('refuses %s', (address, reason) => {
    expect(addressRefusal(address, NO_PRIVATE_NETWORKS)).toBe(reason)
  })

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('accepts the public address %s', (address) => {
    expect(addressRefusal(address, NO_PRIVATE_NETWORKS)).toBeNull()
  })

  it('opens exactly the ranges a deployment allows, in every form of the address', () => {
    const allowed = parseAllowedNetworks(['127.0.0.1/32', '10.20.0.0/16', 'fd00:1::/32'])
    expect(addressRefusal('127.0.0.1', allowed)).toBeNull()
    expect(addressRefusal('::ffff:127.0.0.1', allowed)).toBeNull()
    expect(addressRefusal('2130706433', allowed)).toBeNull()
    expect(addressRefusal('10.20.99.1', allowed)).toBeNull()
    expect(addressRefusal('fd00:1::5', allowed)).toBeNull()
    expect(addressRefusal('127.0.0.2', allowed)).toBe('address 127.0.0.2 is not allowed (loopback)')
    expect(addressRefusal('10.21.0.1', allowed)).toBe('address 10.21.0.1 is not allowed (private network)')
    expect(addressRefusal('::1', allowed)).toBe('address ::1 is not allowed (loopback)')
  })

  it('names a bad allow-list entry', () => {
    expect(() => parseAllowedNetworks(['10.0.0.0/8', '10.0.0.0'])).toThrow(
      new Error('not a CIDR range: 10.0.0.0'),
    )
    expect(() => parseAllowedNetworks(['10.0.0.0/33'])).toThrow(new Error('not a CIDR range: 10.0.0.0/33'))
  })
})

describe('webhookUrlProblem', () => {
  it.each([
    [
      'http://2130706433/hook',
      'address 127.0.0.1 is not allowed (loopback); only public addresses are allowed',
    ],
    [
      'https://2130706433/hook',
      'address 127.0.0.1 is not allowed (loopback); only public addresses are allowed',
    ],
    ['https://0x7f.1/hook', 'address 127.0.0.1 is not allowed (loopback); only public addresses are allowed'],
    ['https://127.1/hook', 'address 127.0.0.1 is not allowed (loopback); only public addresses are allowed'],
    [
      'http://127.0.0.1:8080/hook',
      'address 127.0.0.1 is not allowed (loopback); only public addresses are allowed',
    ],
    ['http://[::1]:9/x', 'address ::1 is not allowed (loopback); only public addresses are allowed'],
    [
      'https://[::ffff:127.0.0.1]/x',
      'address ::ffff:7f00:1 is not allowed (embeds 127.0.0.1, loopback); only public addresses are allowed',
    ],
    [
      'https://169.254.169.254/latest/meta-data/',
      'address 169.254.169.254 is not allowed (link-local); only public addresses are allowed',
    ],
    [
      'https://10.0.0.5/hook',
      'address 10.0.0.5 is not allowed (private network); only public addresses are allowed',
    ],
    [
      'https://[fd00::1]/hook',
      'address fd00::1 is not allowed (unique-local); only public addresses are allowed',
    ],
    [
      'https://[fe80::1]/hook',
      'address fe80::1 is not allowed (link-local); only public addresses are allowed',
    ],
    [
      'http://localhost/hook',
      'localhost is loopback, which is not allowed; only public addresses are allowed',
    ],
    [
      'https://api.localhost/hook',
      'api.localhost is loopback, which is not allowed; only public addresses are allowed',
    ],
    [
      'https://metadata.google.internal/x',
      'metadata.google.internal is an internal name; only public hosts are allowed',
    ],
    ['https://nas.local/x', 'nas.local is an internal name; only public hosts are allowed'],
    ['https://redis:6379/x', 'redis is an internal name; only public hosts are allowed'],
    ['http://hooks.example.com/a', 'must use https (http is allowed only for loopback addresses)'],
    ['https://user:pw@hooks.example.com/', 'must not contain credentials; the signature authenticates us'],
    ['https://hooks.example.com/#x', 'must not contain a #fragment'],
    ['ftp://hooks.example.com/', 'must use https'],
    ['javascript:alert(1)', 'must use https'],
    ['not a url', 'must be an absolute URL'],
  ])('refuses %s', (url, problem) => {
    expect(webhookUrlProblem(url, NO_PRIVATE_NETWORKS)).toBe(problem)
  })

  it('accepts public https targets', () => {
    expect(webhookUrlProblem('https://hooks.example.com/soc', NO_PRIVATE_NETWORKS)).toBeNull()
    expect(webhookUrlProblem('https://8.8.8.8/hook', NO_PRIVATE_NETWORKS)).toBeNull()
    expect(webhookUrlProblem('https://[2606:4700::1111]/hook', NO_PRIVATE_NETWORKS)).toBeNull()
  })

  it('accepts what the allow-list opens, and internal names once any private network is open', () => {
    const allowed = parseAllowedNetworks(['127.0.0.1/32', '10.20.0.0/16'])
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', allowed)).toBeNull()
    expect(webhookUrlProblem('http://localhost:8080/hook', allowed)).toBeNull()
    expect(webhookUrlProblem('https://10.20.1.2/hook', allowed)).toBeNull()
    expect(webhookUrlProblem('https://relay.corp.internal/hook', allowed)).toBeNull()
    expect(webhookUrlProblem('https://10.0.0.5/hook', allowed)).toBe(
      'address 10.0.0.5 is not allowed (private network); only public addresses are allowed',
    )
    expect(webhookUrlProblem('http://[::1]/hook', allowed)).toBe(
      'address ::1 is not allowed (loopback); only public addresses are allowed',
    )
  })
})
