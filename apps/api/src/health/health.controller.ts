import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { CaseClient } from '@taiwa/case-client';
import { Public } from '../auth/auth.guard';
import { CASE_CLIENT, DATA_SOURCE, REDIS } from '../common/tokens';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CASE_CLIENT) private readonly cases: CaseClient,
  ) {}

  private async probe(key: string, fn: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(fn(), 3000);
      return indicator.up();
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }

  @Public()
  @Get('health')
  @ApiOperation({ summary: 'PostgreSQL, Redis and Temporal; 503 naming the failing check' })
  async check(@Res({ passthrough: true }) res: Response) {
    const results = await Promise.all([
      this.probe('postgres', () => this.ds.query('SELECT 1')),
      this.probe('redis', () => this.redis.ping()),
      this.probe('temporal', () => this.cases.ping()),
    ]);
    const checks: Record<string, 'up' | 'down'> = {};
    const failures: Record<string, string> = {};
    for (const r of results) {
      for (const [key, value] of Object.entries(r)) {
        checks[key] = value.status === 'up' ? 'up' : 'down';
        if (value.status !== 'up') failures[key] = String(value.message ?? 'down');
      }
    }
    const ok = Object.values(checks).every((v) => v === 'up');
    res.status(ok ? 200 : 503);
    return ok ? { status: 'ok', checks } : { status: 'error', checks, failing: failures };
  }
}
