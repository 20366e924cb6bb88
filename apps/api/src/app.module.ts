import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { CaseClient } from '@taiwa/case-client';
import { createDataSource } from '@taiwa/persistence';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { UsersService } from './auth/users.service';
import { CaseNumbersService } from './cases/case-numbers.service';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { IdempotencyService } from './common/idempotency.service';
import { ProblemFilter } from './common/problem.filter';
import { ProblemsController } from './common/problems.controller';
import { CASE_CLIENT, DATA_SOURCE, READ_DATA_SOURCE, REDIS } from './common/tokens';
import { API_CONFIG, type ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { ReferenceController } from './reference/reference.controller';
import { ReferenceDataService } from './reference/reference-data.service';
import { CatchAllService } from './screening/catch-all.service';
import { EndUserChecksService } from './screening/end-user-checks.service';
import { EndUserListsController } from './screening/end-user-lists.controller';
import { EndUserListsService } from './screening/end-user-lists.service';
import { ScreeningsController } from './screening/screenings.controller';
import { SubmissionScreeningService } from './screening/submission-screening.service';
import { SubscriptionsController } from './webhooks/subscriptions.controller';
import { SubscriptionsService } from './webhooks/subscriptions.service';

class Lifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readDs: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CASE_CLIENT) private readonly cases: CaseClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.ds.destroy(), this.readDs === this.ds ? undefined : this.readDs.destroy(), this.redis.quit(), this.cases.close()]);
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TerminusModule,
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req, res) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : randomUUID();
              res.setHeader('x-request-id', id);
              return id;
            },
            // Never log bodies (messages, concern information) or credentials.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
            },
            customProps: (req) => {
              const match = /\/cases\/([0-9a-f-]{36})/.exec(req.url ?? '');
              return match ? { caseId: match[1] } : {};
            },
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
      ],
      controllers: [
        AuthController,
        CasesController,
        HealthController,
        ProblemsController,
        ReferenceController,
        EndUserListsController,
        ScreeningsController,
        SubscriptionsController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const ds = createDataSource({ url: config.databaseUrl, poolSize: 20, applicationName: 'taiwa-api' });
            return ds.initialize();
          },
        },
        {
          provide: READ_DATA_SOURCE,
          inject: [DATA_SOURCE],
          useFactory: async (primary: DataSource) => {
            if (!config.databaseReadUrl) return primary;
            const ds = createDataSource({ url: config.databaseReadUrl, poolSize: 20, applicationName: 'taiwa-api-read' });
            return ds.initialize();
          },
        },
        {
          provide: REDIS,
          useFactory: () =>
            new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false }),
        },
        {
          provide: CASE_CLIENT,
          useFactory: () =>
            CaseClient.connect({
              address: config.temporal.address,
              namespace: config.temporal.namespace,
              taskQueue: config.temporal.taskQueue,
            }),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        AuthService,
        UsersService,
        IdempotencyService,
        CaseNumbersService,
        CasesService,
        SubscriptionsService,
        ReferenceDataService,
        EndUserListsService,
        EndUserChecksService,
        CatchAllService,
        SubmissionScreeningService,
        Lifecycle,
      ],
    };
  }
}
