import type { NextFunction, Request, Response } from 'express';
import { ProblemError } from './problem';

const ACCEPTED = ['application/json', 'application/*+json', 'text/csv'];

/**
 * A request body the API cannot read is refused with 415, before any route runs: otherwise a
 * `text/plain` body would arrive as "no body" and a body-less command (accept) would go ahead.
 */
export function refuseUnreadableBodies(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || !['POST', 'PUT', 'PATCH'].includes(req.method) || req.is(ACCEPTED)) return next();
  const problem = new ProblemError(415, `Send the body as application/json (got ${req.headers['content-type'] ?? 'no content type'}).`);
  res.status(415).type('application/problem+json').send(JSON.stringify(problem.toBody(req.originalUrl)));
}
