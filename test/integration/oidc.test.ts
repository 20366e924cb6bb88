import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { startStack, type Stack } from '../support/stack';

/**
 * The production path: AUTH_MODE=oidc verifies JWTs against the identity provider's JWKS, and
 * who the user is (role, organisation, clearance) still comes from our own users table.
 */
describe('OIDC authentication (AUTH_MODE=oidc)', () => {
  const issuer = 'https://idp.taiwa.test/realms/taiwa';
  let stack: Stack;
  let jwks: Server;
  let key: KeyLike;
  let otherKey: KeyLike;

  const sign = (claims: Record<string, unknown>, opts: { key?: KeyLike; iss?: string; exp?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(opts.iss ?? issuer)
      .setAudience('taiwa-api')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(opts.key ?? key);

  const me = (token: string) => stack.http('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const { port } = jwks.address() as { port: number };
    stack = await startStack({
      dispatcher: false,
      apiEnv: {
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: issuer,
        OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        OIDC_AUDIENCE: 'taiwa-api',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    jwks?.close();
  });

  it('accepts a token signed by the identity provider and takes the role from our records', async () => {
    const res = await me(await sign({ preferred_username: 'olivia@regulator.example', role: 'supervisor' }));
    expect(res.status).toBe(200);
    // The token claims "supervisor"; the users table says officer, and that is what counts.
    expect(res.body).toMatchObject({ username: 'olivia@regulator.example', roles: ['officer'], clearance: 'CONFIDENTIAL' });
  });

  it('refuses tokens with the wrong key, issuer or audience, expired ones, and unknown users', async () => {
    expect((await me(await sign({ preferred_username: 'olivia@regulator.example' }, { key: otherKey }))).status).toBe(401);
    expect((await me(await sign({ preferred_username: 'olivia@regulator.example' }, { iss: 'https://evil.example' }))).status).toBe(401);
    expect((await me(await sign({ preferred_username: 'olivia@regulator.example' }, { exp: '-1m' }))).status).toBe(401);
    const wrongAudience = await new SignJWT({ preferred_username: 'olivia@regulator.example' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(issuer)
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(key);
    expect((await me(wrongAudience)).status).toBe(401);
    expect((await me(await sign({ preferred_username: 'mallory@evil.example' }))).status).toBe(401);
  });

  it('has no dev login', async () => {
    const res = await stack.http('POST', '/api/v1/auth/dev-login', { body: { username: 'alice@acme.example' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
