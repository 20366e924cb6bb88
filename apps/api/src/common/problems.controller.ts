import { Controller, Get, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { notFound, PROBLEM_TYPES } from './problem';

const EXTRA = {
  'validation-error': 'The request body, query or a header is malformed; `errors` lists every bad field (400).',
  'idempotency-key-reused': 'The Idempotency-Key was used before with a different request (422).',
} as const;

/** The `type` URIs of problem responses resolve to a short explanation. */
@ApiExcludeController()
@Controller('problems')
export class ProblemsController {
  @Public()
  @Get(':slug')
  describe(@Param('slug') slug: string) {
    const known = Object.entries(PROBLEM_TYPES).find(([, v]) => v.slug === slug);
    if (known) return { type: `/problems/${slug}`, title: known[1].title, status: Number(known[0]) };
    if (slug in EXTRA) return { type: `/problems/${slug}`, description: EXTRA[slug as keyof typeof EXTRA] };
    throw notFound('Problem type');
  }
}
