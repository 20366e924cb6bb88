import {
  assertSafeForProduction,
  EgressDeniedError,
  EgressPolicy,
  parseAllowList,
  type Resolver,
} from './ssrf';

// A fake DNS so no test depends on (or sends anything to) the network.
const zone: Record<string, string[]> = {
  'partner.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'internal.example': ['10.0.0.5'],
  'mixed.example': ['93.184.215.14', '169.254.169.254'],
  'loop.example': ['127.0.0.1'],
};
const resolver: Resolver = async (host) => {
  const addresses = zone[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const strict = new EgressPolicy({ resolver });
const loopbackAllowed = new EgressPolicy({ resolver, allowList: parseAllowList('127.0.0.0/8, ::1/128') });

describe('EgressPolicy.isAddressAllowed (no allow-list)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', '10/8'],
    ['172.16.0.1', '172.16/12'],
    ['172.31.255.254', '172.16/12'],
    ['192.168.1.1', '192.168/16'],
    ['169.254.169.254', 'cloud metadata'],
    ['100.64.0.1', 'CGNAT 100.64/10'],
    ['100.127.255.254', 'CGNAT 100.64/10'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.2.1', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'ULA fc00::/7'],
    ['fd12:3456::1', 'ULA fc00::/7'],
    ['fe80::1', 'IPv6 link-local'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata (hex form)'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::7f00:1', 'NAT64'],
    ['2002:7f00:1::', '6to4'],
    ['::2', 'outside 2000::/3'],
    ['2130706433', 'decimal IPv4 form (not canonical)'],
    ['0x7f.1', 'hex IPv4 form (not canonical)'],
    ['not-an-ip', 'garbage'],
  ])('refuses %s (%s)', (ip) => {
    expect(strict.isAddressAllowed(ip)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
  ])('allows public %s', (ip) => {
    expect(strict.isAddressAllowed(ip)).toBe(true);
  });
});

describe('EgressPolicy with an allow-list', () => {
  it('allows the listed ranges, including IPv4-mapped forms of them, and nothing else private', () => {
    expect(loopbackAllowed.isAddressAllowed('127.0.0.1')).toBe(true);
    expect(loopbackAllowed.isAddressAllowed('::1')).toBe(true);
    expect(loopbackAllowed.isAddressAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(loopbackAllowed.isAddressAllowed('10.0.0.1')).toBe(false);
    expect(loopbackAllowed.isAddressAllowed('169.254.169.254')).toBe(false);
    expect(loopbackAllowed.isAddressAllowed('8.8.8.8')).toBe(true);
  });
});

describe('parseAllowList / assertSafeForProduction / fromEnv', () => {
  it('parses comma-separated CIDRs and treats empty as none', () => {
    expect(parseAllowList(undefined)).toEqual([]);
    expect(parseAllowList('')).toEqual([]);
    expect(parseAllowList('127.0.0.0/8,::1/128').map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual([
      '127.0.0.0/8',
      '::1/128',
    ]);
    expect(() => parseAllowList('127.0.0.1')).toThrow(/invalid CIDR/);
    expect(() => parseAllowList('localhost/8')).toThrow(/invalid CIDR/);
  });

  it('refuses an allow-list in production only', () => {
    expect(() => assertSafeForProduction('production', '127.0.0.0/8')).toThrow();
    expect(() => assertSafeForProduction('production', parseAllowList('::1/128'))).toThrow();
    expect(() => assertSafeForProduction('production', '')).not.toThrow();
    expect(() => assertSafeForProduction('production', undefined)).not.toThrow();
    expect(() => assertSafeForProduction('test', '127.0.0.0/8')).not.toThrow();
    expect(() =>
      EgressPolicy.fromEnv({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' }),
    ).toThrow();
    expect(EgressPolicy.fromEnv({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' }).allowList).toHaveLength(1);
  });
});

describe('EgressPolicy.assertUrlAllowed (registration)', () => {
  it.each([
    ['https://partner.example/hooks', 'public host over https'],
    ['https://93.184.215.14:8443/hooks', 'public literal IP'],
    ['https://[2606:4700:4700::1111]/hooks', 'public literal IPv6'],
  ])('accepts %s (%s)', async (url) => {
    await expect(strict.assertUrlAllowed(url)).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['http://partner.example/hooks', /https is required/],
    ['ftp://partner.example/', /unsupported scheme/],
    ['https://user:pw@partner.example/', /credentials/],
    ['https://token@partner.example/', /credentials/],
    ['not a url', /invalid URL/],
    ['https://internal.example/', /not allowed: internal.example -> 10.0.0.5/],
    ['https://mixed.example/', /not allowed: .*169.254.169.254/],
    ['https://loop.example/', /not allowed/],
    ['https://nowhere.example/', /cannot resolve/],
    ['https://127.0.0.1/', /not allowed/],
    ['https://169.254.169.254/latest/meta-data/', /not allowed/],
    ['https://[::1]/', /not allowed/],
    ['https://[::ffff:127.0.0.1]/', /not allowed/],
    ['https://[fd00::1]/', /not allowed/],
    ['http://2130706433/', /not allowed: 127.0.0.1/],
    ['http://0x7f.1/', /not allowed: 127.0.0.1/],
    ['http://017700000001/', /not allowed: 127.0.0.1/],
    ['http://127.1/', /not allowed: 127.0.0.1/],
  ])('refuses %s', async (url, message) => {
    await expect(strict.assertUrlAllowed(url)).rejects.toThrow(EgressDeniedError);
    await expect(strict.assertUrlAllowed(url)).rejects.toThrow(message);
  });

  it('allows plain http only into the allow-list', async () => {
    await expect(loopbackAllowed.assertUrlAllowed('http://127.0.0.1:8080/x')).resolves.toBeInstanceOf(URL);
    await expect(loopbackAllowed.assertUrlAllowed('http://0x7f.1/x')).resolves.toBeInstanceOf(URL);
    await expect(loopbackAllowed.assertUrlAllowed('http://[::1]:8080/x')).resolves.toBeInstanceOf(URL);
    await expect(loopbackAllowed.assertUrlAllowed('http://loop.example/x')).resolves.toBeInstanceOf(URL);
    await expect(loopbackAllowed.assertUrlAllowed('http://partner.example/x')).rejects.toThrow(
      /https is required/,
    );
    await expect(loopbackAllowed.assertUrlAllowed('http://internal.example/x')).rejects.toThrow(
      /not allowed/,
    );
  });

  it('resolves localhost with the system resolver and refuses it without an allow-list', async () => {
    await expect(new EgressPolicy().assertUrlAllowed('https://localhost/')).rejects.toThrow(
      /not allowed: localhost/,
    );
  });
});
