import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { ApiConfig } from './config';
import { answerClientErrorsAsProblems } from './common/client-error';
import { refuseUnreadableBodies } from './common/content-type';

/** Builds the API app (used by main and by the integration tests). */
export async function createApiApp(config: ApiConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.use(refuseUnreadableBodies);
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  answerClientErrorsAsProblems(app.getHttpServer());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Taiwa API')
      .setDescription(
        "Technology-transfer control: advance reports, consultation, inform and license. Errors are RFC 9457 problem responses.",
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  serveWebUi(app);
  return app;
}

/** The built web UI (dist/web, from apps/web): from source (apps/api/src) or from dist/apps/api/src. */
function webUiDir(): string | null {
  const candidates = [resolve(__dirname, '../../../dist/web'), resolve(__dirname, '../../../web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? null;
}

/**
 * Serves the web UI at / with an SPA fallback: a GET for a page path (no file extension) outside
 * /api, /health and /problems gets index.html, so deep links work. Without a build, nothing changes.
 */
function serveWebUi(app: NestExpressApplication): void {
  const dir = webUiDir();
  if (!dir) return;
  const index = join(dir, 'index.html');
  app.useStaticAssets(dir, {
    index: false,
    setHeaders: (res, path) =>
      res.setHeader(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      ),
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const page =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !/^\/(api|health|problems)(\/|$)/.test(req.path) &&
      !/\.[a-z0-9]+$/i.test(req.path);
    if (!page) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
