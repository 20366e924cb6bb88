// A local webhook receiver for the walkthrough: verifies each delivery with the subscription
// secret (WEBHOOK_SECRET) and prints it. Partners' receivers do the same (docs/webhooks.md).
import { createServer } from 'node:http';
import { verifyWebhook, WebhookVerificationError } from '@taiwa/webhooks';

const port = Number(process.env.PORT ?? 4000);
const secret = process.env.WEBHOOK_SECRET;

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (!secret) {
      console.log(`[unverified: set WEBHOOK_SECRET] ${req.headers['webhook-id']} ${body}`);
      res.writeHead(204).end();
      return;
    }
    try {
      const event = verifyWebhook({ secret, headers: req.headers, body });
      console.log(
        `verified ${event.id} ${event.type} seq=${String(event.data.sequence)} status=${String(event.data.status)}`,
      );
      res.writeHead(204).end();
    } catch (err) {
      console.log(`rejected: ${err instanceof WebhookVerificationError ? err.message : String(err)}`);
      res.writeHead(400).end();
    }
  });
}).listen(port, '127.0.0.1', () => console.log(`demo receiver on http://127.0.0.1:${port}/webhooks`));
