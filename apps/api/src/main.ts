import { ConfigError, loadConfig } from './config';
import { createApiApp } from './app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
