import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { CaseEngineUnavailableError, CaseRefusedError } from '@taiwa/case-client';
import { DomainRefusal, REFUSALS } from '@taiwa/domain';
import { ProblemError, PROBLEM_TYPES, type ProblemStatus } from './problem';

/** Turns every error into an RFC 9457 problem response; never a stack trace, never a 500 for input. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, path: req.path }, 'request failed');
    }
    if (problem.status === 503) res.setHeader('Retry-After', '5');
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.toBody(req.originalUrl)));
  }

  private toProblem(exception: unknown): ProblemError {
    if (exception instanceof ProblemError) return exception;
    if (exception instanceof CaseRefusedError || exception instanceof DomainRefusal) {
      const status = REFUSALS[exception.kind] as ProblemStatus;
      // The case's status travels as `caseStatus`: `status` is the HTTP status of RFC 9457.
      const { errors, status: caseStatus, ...rest } = exception.details as { errors?: Array<{ field: string; message: string }>; status?: unknown };
      return new ProblemError(status, exception.message, { ...(errors ? { errors } : {}), ...(caseStatus !== undefined ? { caseStatus } : {}), ...rest });
    }
    if (exception instanceof CaseEngineUnavailableError) return new ProblemError(503, exception.message);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const known = (status in PROBLEM_TYPES ? status : status >= 500 ? 500 : 400) as ProblemStatus;
      return new ProblemError(known, known === 404 ? 'No such resource.' : exception.message);
    }
    // body-parser errors (bad JSON, too large, wrong charset) carry their own 4xx status.
    const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (e.type === 'entity.parse.failed') {
        return new ProblemError(400, 'The body is not valid JSON.', { errors: [{ field: '', message: 'invalid JSON' }] });
      }
      const known = (status in PROBLEM_TYPES ? status : 400) as ProblemStatus;
      return new ProblemError(known, e.message ?? 'Bad request.');
    }
    if (isDependencyDown(exception)) {
      return new ProblemError(503, 'A dependency is unavailable; nothing was changed. Try again shortly.');
    }
    return new ProblemError(500, 'An unexpected error occurred.');
  }
}

// PostgreSQL SQLSTATEs of a server going away: connection exceptions (08…), shutdown and crash
// recovery (57P01–57P03), too many connections (53300).
const PG_UNAVAILABLE = /^(08\d{3}|57P0[1-3]|53300)$/;

function isDependencyDown(err: unknown): boolean {
  if (PG_UNAVAILABLE.test(String((err as { code?: unknown })?.code ?? ''))) return true;
  const text = `${(err as { code?: string })?.code ?? ''} ${(err as Error)?.message ?? ''}`;
  // ioredis without an offline queue fails fast with "Stream isn't writeable…" or MaxRetriesPerRequest.
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|getaddrinfo|Stream isn't writeable|MaxRetriesPerRequest/i.test(
    text,
  );
}
