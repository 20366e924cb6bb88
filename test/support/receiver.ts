import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A partner's webhook endpoint on loopback. `respond` decides each answer, so tests can make it
 * fail N times, redirect, or hang.
 */
export class TestReceiver {
  readonly received: Received[] = [];
  private server: Server | null = null;
  url = '';
  respond: (req: Received, n: number) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({
    status: 204,
  });

  async start(path = '/webhooks'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.received.push(entry);
        const answer = this.respond(entry, this.received.length);
        const send = () => res.writeHead(answer.status, answer.headers ?? {}).end();
        if (answer.delayMs) setTimeout(send, answer.delayMs);
        else send();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}${path}`;
    return this;
  }

  events(): Array<{ id: string; type: string; data: Record<string, unknown> }> {
    return this.received.map((r) => JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
