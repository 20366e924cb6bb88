import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('API configuration', () => {
  it('starts with defaults that work locally', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, auth: { mode: 'dev' }, temporal: { address: '127.0.0.1:7233', namespace: 'default' } });
    expect(config.slaPolicy.version).toBe('2026-11-default');
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ AUTH_MODE: 'magic' })).toThrow(/AUTH_MODE/);
  });

  it('refuses dev login and private webhook egress in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE=dev is refused/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: 'https://idp.example',
        OIDC_JWKS_URL: 'https://idp.example/jwks',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      }),
    ).toThrow(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
  });

  it('needs the issuer and JWKS URL for OIDC', () => {
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_MODE: 'oidc' })).toThrow(/OIDC_ISSUER and OIDC_JWKS_URL/);
  });

  it('loads an SLA policy file and lists every problem of a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taiwa-sla-'));
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        version: 'demo-seconds',
        clocks: {
          acknowledgement: { length: 'PT20S', warnBefore: 'PT10S' },
          correction: { length: 'PT20S' },
          consultation: { length: 'PT60S', warnAt: 0.8 },
          queryResponse: { length: 'PT20S' },
          informResponse: { length: 'PT20S' },
          licenseReview: { length: 'PT60S', warnAt: 0.8 },
          approval: { length: 'PT20S' },
        },
      }),
    );
    expect(loadConfig({ SLA_POLICY_FILE: good }).slaPolicy.version).toBe('demo-seconds');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: '', clocks: { acknowledgement: { length: 'five days' } } }));
    expect(() => loadConfig({ SLA_POLICY_FILE: bad })).toThrow(/SLA_POLICY_FILE .* is invalid/s);
    expect(() => loadConfig({ SLA_POLICY_FILE: join(dir, 'missing.json') })).toThrow(/cannot read/);
  });
});
