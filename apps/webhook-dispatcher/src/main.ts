import 'reflect-metadata';
import pino from 'pino';
import { loadDispatcherConfig } from './config';
import { startDispatcher } from './dispatcher';
import { assertSafeForProduction } from '@taiwa/webhooks';

async function main(): Promise<void> {
  const config = loadDispatcherConfig();
  const log = pino({ name: 'webhook-dispatcher', level: config.logLevel });
  // Private-network egress is for tests and local demos: refuse to start with it in production.
  assertSafeForProduction(config.nodeEnv, config.allowPrivateNetworks);
  const dispatcher = await startDispatcher(config, log);
  log.info(
    { concurrency: config.concurrency, metricsPort: config.metricsPort },
    'webhook dispatcher started',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight deliveries');
    dispatcher
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
