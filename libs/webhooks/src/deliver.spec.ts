import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { deliverWebhook } from './deliver';
import { toCloudEvent } from './envelope';
import { generateSecret, webhookHeaders } from './signing';
import { EgressPolicy, parseAllowList, type Resolver } from './ssrf';
import { verifyWebhook } from './verify';

// Only ever talks to servers on 127.0.0.1 or ::1 started here.

interface Received {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  url: string;
  port: number;
  requests: Received[];
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const state = { requests: [] as Received[], connections: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/hooks`,
    port,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const servers: TestServer[] = [];
async function serve(handler: Handler, host?: string): Promise<TestServer> {
  const s = await startServer(handler, host);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const loopback = new EgressPolicy({ allowList: parseAllowList('127.0.0.0/8,::1/128') });
const secret = generateSecret();
const event = toCloudEvent({
  id: 'evt_01',
  type: 'case.status_changed',
  caseId: 'c1',
  time: '2026-11-02T09:00:00Z',
  data: {
    caseId: 'c1',
    caseNumber: 'TT-1',
    organizationId: 'o1',
    sequence: 2,
    status: 'IN_CONSULTATION',
    previousStatus: 'SUBMITTED',
    stage: 'CONSULTATION',
  },
});
const body = JSON.stringify(event);
const headers = () => ({
  ...webhookHeaders({ id: event.id, timestampSec: Math.floor(Date.now() / 1000), body, secrets: [secret] }),
});

describe('deliverWebhook', () => {
  it('delivers a signed event that the receiver verifies; 2xx is ok', async () => {
    let verified: unknown = null;
    const server = await serve((req, res, received) => {
      verified = verifyWebhook({ secret, headers: req.headers, body: received });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
    const result = await deliverWebhook({ url: server.url, headers: headers(), body, policy: loopback });
    expect(result).toEqual({
      ok: true,
      statusCode: 200,
      durationMs: expect.any(Number),
      error: null,
      responseSnippet: 'thanks',
      retryAfterMs: null,
      permanent: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.method).toBe('POST');
    expect(server.requests[0]!.headers['content-type']).toBe('application/cloudevents+json');
    expect(verified).toEqual(event);
  });

  it('reports a 500 as a failure with the answer capped at maxResponseBytes', async () => {
    const server = await serve((_req, res) => res.writeHead(500).end('x'.repeat(10_000)));
    const result = await deliverWebhook({
      url: server.url,
      headers: headers(),
      body,
      policy: loopback,
      maxResponseBytes: 100,
    });
    expect(result).toMatchObject({ ok: false, statusCode: 500, error: 'HTTP 500', permanent: false });
    expect(result.responseSnippet).toBe('x'.repeat(100));
  });

  it('does not follow a 302: the redirect target receives nothing', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end());
    const server = await serve((_req, res) => res.writeHead(302, { location: target.url }).end());
    const result = await deliverWebhook({ url: server.url, headers: headers(), body, policy: loopback });
    expect(result.ok).toBe(false);
    expect(result.statusCode).toBe(302);
    expect(result.error).toMatch(/^redirect not followed/);
    expect(server.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
    expect(target.requests).toHaveLength(0);
  });

  it('marks 410 Gone as permanent', async () => {
    const server = await serve((_req, res) => res.writeHead(410).end('gone'));
    const result = await deliverWebhook({ url: server.url, headers: headers(), body, policy: loopback });
    expect(result).toMatchObject({ ok: false, statusCode: 410, permanent: true, responseSnippet: 'gone' });
  });

  it('captures Retry-After on 429 (seconds) and 503 (HTTP-date)', async () => {
    const s429 = await serve((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const r429 = await deliverWebhook({ url: s429.url, headers: headers(), body, policy: loopback });
    expect(r429).toMatchObject({ ok: false, statusCode: 429, retryAfterMs: 120_000, permanent: false });

    const at = new Date(Date.now() + 600_000).toUTCString();
    const s503 = await serve((_req, res) => res.writeHead(503, { 'retry-after': at }).end());
    const r503 = await deliverWebhook({ url: s503.url, headers: headers(), body, policy: loopback });
    expect(r503.statusCode).toBe(503);
    expect(r503.retryAfterMs).toBeGreaterThan(590_000);
    expect(r503.retryAfterMs).toBeLessThanOrEqual(600_000);

    const s500 = await serve((_req, res) => res.writeHead(500, { 'retry-after': '120' }).end());
    expect(
      (await deliverWebhook({ url: s500.url, headers: headers(), body, policy: loopback })).retryAfterMs,
    ).toBeNull();
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => undefined);
    const result = await deliverWebhook({
      url: server.url,
      headers: headers(),
      body,
      policy: loopback,
      timeoutMs: 300,
    });
    expect(result).toMatchObject({
      ok: false,
      statusCode: null,
      error: 'timeout after 300 ms',
      permanent: false,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('times out an answer whose body never ends', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const result = await deliverWebhook({
      url: server.url,
      headers: headers(),
      body,
      policy: loopback,
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ ok: false, error: 'timeout after 300 ms' });
  });

  it('reads only the first maxResponseBytes of an endless answer', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = 'y'.repeat(16 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const result = await deliverWebhook({
      url: server.url,
      headers: headers(),
      body,
      policy: loopback,
      timeoutMs: 5000,
    });
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(result.responseSnippet).toBe('y'.repeat(4096));
    expect(result.durationMs).toBeLessThan(4000);
  });

  it('reports a refused connection', async () => {
    const server = await serve(() => undefined);
    await server.close();
    const result = await deliverWebhook({ url: server.url, headers: headers(), body, policy: loopback });
    expect(result).toMatchObject({ ok: false, statusCode: null, permanent: false });
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it.each(['127.0.0.1', 'localhost'])(
    'with an empty allow-list refuses %s without connecting',
    async (host) => {
      const server = await serve((_req, res) => res.writeHead(200).end());
      const result = await deliverWebhook({
        url: `http://${host}:${server.port}/hooks`,
        headers: headers(),
        body,
        policy: new EgressPolicy({ allowList: parseAllowList('') }),
      });
      expect(result).toMatchObject({ ok: false, statusCode: null, permanent: false });
      expect(result.error).toMatch(/^destination address not allowed: /);
      expect(server.connections).toBe(0);
      expect(server.requests).toHaveLength(0);
    },
  );

  it('resolves once and connects to the checked address, so DNS rebinding cannot redirect it', async () => {
    const server = await serve((_req, res) => res.writeHead(204).end());
    // A hostile DNS: the first answer passes the check, any later one points at the metadata service.
    let lookups = 0;
    const rebinding: Resolver = async () => [
      { address: lookups++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 },
    ];
    const policy = new EgressPolicy({ allowList: parseAllowList('127.0.0.0/8'), resolver: rebinding });
    const result = await deliverWebhook({
      url: `http://partner.test:${server.port}/hooks`,
      headers: headers(),
      body,
      policy,
    });
    expect(result).toMatchObject({ ok: true, statusCode: 204 });
    expect(lookups).toBe(1);
    expect(server.requests[0]!.headers.host).toBe(`partner.test:${server.port}`);
  });

  it('delivers over IPv6 loopback, by literal and by a hostname pinned to ::1', async () => {
    const server = await serve((_req, res) => res.writeHead(200).end('v6'), '::1');
    expect(
      await deliverWebhook({ url: server.url, headers: headers(), body, policy: loopback }),
    ).toMatchObject({ ok: true, responseSnippet: 'v6' });
    const policy = new EgressPolicy({
      allowList: loopback.allowList,
      resolver: async () => [{ address: '::1', family: 6 }],
    });
    const url = `http://partner6.test:${server.port}/hooks`;
    expect(await deliverWebhook({ url, headers: headers(), body, policy })).toMatchObject({
      ok: true,
      statusCode: 200,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a host when any one of its addresses is not allowed', async () => {
    const server = await serve((_req, res) => res.writeHead(200).end());
    const resolver: Resolver = async () => [
      { address: '127.0.0.1', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ];
    const policy = new EgressPolicy({ allowList: parseAllowList('127.0.0.0/8'), resolver });
    const result = await deliverWebhook({
      url: `http://partner.test:${server.port}/`,
      headers: headers(),
      body,
      policy,
    });
    expect(result.error).toBe('destination address not allowed: partner.test -> 10.0.0.1');
    expect(server.connections).toBe(0);
  });

  it('refuses plain http to a public address and bad URLs without throwing', async () => {
    const publicDns: Resolver = async () => [{ address: '8.8.8.8', family: 4 }];
    const policy = new EgressPolicy({ resolver: publicDns });
    // Refused before any connection: 8.8.8.8 is never contacted.
    expect(
      (await deliverWebhook({ url: 'http://partner.test/', headers: headers(), body, policy })).error,
    ).toBe('https is required');
    expect((await deliverWebhook({ url: 'nope', headers: headers(), body, policy })).error).toBe(
      'invalid URL',
    );
  });

  // A throwaway self-signed certificate, made at test time so no key is stored in the repository.
  const selfSigned = (): { key: Buffer; cert: Buffer } | null => {
    const dir = mkdtempSync(join(tmpdir(), 'wh-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=partner.test',
          '-addext',
          'subjectAltName=DNS:partner.test',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    } catch {
      return null; // no openssl here
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('over https, sends the hostname as SNI while pinned to the checked IP, and verifies the certificate', async () => {
    const tls = selfSigned();
    if (!tls) return console.warn('openssl not available: https test skipped');
    let sni: string | null = null;
    let requests = 0;
    const server = createHttpsServer(
      { ...tls, SNICallback: (name, cb) => ((sni = name), cb(null, undefined)) },
      (_req, res) => (requests++, res.end()),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const policy = new EgressPolicy({
        allowList: parseAllowList('127.0.0.0/8'),
        resolver: async () => [{ address: '127.0.0.1', family: 4 }],
      });
      const result = await deliverWebhook({
        url: `https://partner.test:${port}/`,
        headers: headers(),
        body,
        policy,
      });
      // Our test CA is not trusted, so the handshake must fail: TLS verification is on.
      expect(result).toMatchObject({ ok: false, statusCode: null });
      expect(result.error).toMatch(/self[- ]signed/i);
      expect(sni).toBe('partner.test');
      expect(requests).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
