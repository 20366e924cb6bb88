import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../auth/auth.guard';
import type { UserRecord } from '../auth/users.service';
import { CasesService } from '../cases/cases.service';
import { jsonSchema } from '../common/openapi';
import { IdempotencyService } from '../common/idempotency.service';
import { forbidden } from '../common/problem';
import { parseOr400 } from '../common/validation';
import { CatchAllService } from './catch-all.service';
import { withRetryAfter } from './end-user-lists.controller';
import { CatchAllSchema } from './screening.schemas';

@ApiTags('screening')
@ApiBearerAuth()
@Controller('api/v1')
export class ScreeningsController {
  constructor(
    private readonly catchAll: CatchAllService,
    private readonly cases: CasesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('screenings/catch-all')
  @Roles('applicant', 'applicant_admin', 'officer', 'supervisor')
  @ApiOperation({
    summary:
      'Catch-all screening aid (figure 3): does this export or transfer need a license? Stored; 201 with the trace',
    description:
      'The destination group comes from the country groups in force, the End User List match from every list in force ' +
      '(a boolean only). Response: `{id, licenseRequired, destinationGroup, summary, summaryJa, trace: [{step, question, answer, ' +
      'outcome, questionJa, outcomeJa}], endUserListMatch, matchedRedFlags, referenceVersions, caseId, …}`. ' +
      '`catchAllItem`: an object `{hsCode?, description?}`, `true` (within the catch-all control, no HS code) or `false`/`null`. ' +
      'Attach it to a case with POST /api/v1/cases/{id}/screenings/{screeningId}.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeat-safe creation: same key and body return the first response',
  })
  @ApiBody({ schema: jsonSchema(CatchAllSchema) })
  async screen(
    @CurrentUser() user: UserRecord,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = parseOr400(CatchAllSchema, body);
    const result = await withRetryAfter(res, () =>
      this.idempotency.run(user.username, key, 'POST /api/v1/screenings/catch-all', body, async (id) => ({
        status: 201,
        body: await this.catchAll.screen(user, input, id),
      })),
    );
    res.status(result.status).setHeader('Location', `/api/v1/screenings/${result.body.id}`);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get('screenings/:screeningId')
  @ApiOperation({
    summary: "A stored screening: the company's own, or (regulator staff) one attached to a case",
  })
  get(@CurrentUser() user: UserRecord, @Param('screeningId') id: string) {
    return this.catchAll.get(user, id);
  }

  @Post('cases/:id/screenings/:screeningId')
  @Roles('applicant', 'applicant_admin')
  @ApiOperation({
    summary:
      'Attach a stored screening of your organisation to its case (once; again for the same case: 200)',
  })
  async attach(
    @CurrentUser() user: UserRecord,
    @Param('id') caseId: string,
    @Param('screeningId') screeningId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const visible = await this.cases.loadVisible(user, caseId);
    const result = await this.catchAll.attach(user, caseId, visible.snapshot.organizationId, screeningId);
    res.status(result.status);
    return result.body;
  }

  @Get('cases/:id/screenings')
  @ApiOperation({ summary: "The screenings attached to a case (the company's users and regulator staff)" })
  async forCase(@CurrentUser() user: UserRecord, @Param('id') caseId: string) {
    if (user.role === 'partner') throw forbidden('Partners see status-level data only.');
    await this.cases.loadVisible(user, caseId);
    return this.catchAll.forCase(user, caseId);
  }
}
