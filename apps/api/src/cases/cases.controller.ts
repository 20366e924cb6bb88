import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { z } from 'zod';
import { clearanceAllows, type CaseCommand } from '@taiwa/domain';
import { CurrentUser, Roles } from '../auth/auth.guard';
import type { UserRecord } from '../auth/users.service';
import { jsonSchema } from '../common/openapi';
import { forbidden } from '../common/problem';
import { parseOr400 } from '../common/validation';
import type { IdempotentResult } from '../common/idempotency.service';
import { CasesService } from './cases.service';
import {
  AcceptSchema,
  AdvanceReportSchema,
  AnswerSchema,
  ApprovalSchema,
  AssignSchema,
  CloseLapsedSchema,
  ConcernSchema,
  ConcludeSchema,
  DecisionProposalSchema,
  InformProposalSchema,
  LicenseApplicationSchema,
  ListQuerySchema,
  MessageSchema,
  QuerySchema,
  RequestCorrectionSchema,
  ResubmitSchema,
  WithdrawSchema,
} from './schemas';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false, description: 'Repeat-safe creation: same key and body return the first response' };

function send<T>(res: Response, result: IdempotentResult<T>): T {
  res.status(result.status);
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.body;
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @Roles('applicant', 'applicant_admin')
  @ApiOperation({ summary: 'File an advance report; starts the case' })
  @ApiHeader(IDEMPOTENCY)
  @ApiBody({ schema: jsonSchema(AdvanceReportSchema) })
  async create(
    @CurrentUser() user: UserRecord,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = parseOr400(AdvanceReportSchema, body);
    const result = await this.cases.create(user, report, key, body);
    const view = send(res, result) as { id?: string };
    if (view.id) res.setHeader('Location', `/api/v1/cases/${view.id}`);
    return view;
  }

  @Get()
  @ApiOperation({ summary: 'Cases the caller may see; filters, sort by next deadline, keyset pagination' })
  list(@CurrentUser() user: UserRecord, @Query() query: unknown) {
    return this.cases.list(user, parseOr400(ListQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOperation({ summary: 'The case view' })
  get(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.cases.get(user, id);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'What happened on the case, as far as the caller may see' })
  timeline(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.cases.timeline(user, id);
  }

  @Get(':id/messages')
  @ApiOperation({ summary: 'The dialogue thread (messages and query answers)' })
  messages(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.cases.messages(user, id);
  }

  @Get(':id/concern-information')
  @ApiOperation({ summary: 'Concern information: readable items in full, others as withheld' })
  concerns(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.cases.concernInformation(user, id);
  }

  @Get(':id/audit')
  @Roles('regulator_admin')
  @ApiOperation({ summary: "The case's audit trail, oldest first, with each entry's hash and its predecessor's" })
  audit(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.cases.auditEntries(user, id);
  }

  @Get(':id/audit/verify')
  @Roles('regulator_admin')
  @ApiOperation({ summary: "Recomputes the case's audit hash chain and says where it breaks" })
  verifyAudit(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.cases.verifyAudit(user, id);
  }

  // ---- transitions --------------------------------------------------------------------------

  private run(
    user: UserRecord,
    id: string,
    res: Response,
    route: string,
    body: unknown,
    key: string | undefined,
    build: (resourceId: string) => CaseCommand,
    extra: Parameters<CasesService['command']>[3] extends infer O ? Partial<O> : never = {},
  ) {
    return this.cases
      .command(user, id, build, { key, route: `POST /api/v1/cases/${id}/${route}`, body, ...extra })
      .then((r) => send(res, r));
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiBody({ schema: jsonSchema(AcceptSchema), required: false })
  @ApiOperation({ summary: 'SUBMITTED → IN_CONSULTATION' })
  accept(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    parse(AcceptSchema, body ?? {});
    return this.run(u, id, res, 'accept', body ?? {}, key, () => ({ action: 'ACCEPT' }));
  }

  @Post(':id/request-correction')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiBody({ schema: jsonSchema(RequestCorrectionSchema) })
  @ApiOperation({ summary: 'SUBMITTED → CORRECTION_REQUESTED' })
  requestCorrection(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(RequestCorrectionSchema, body);
    return this.run(u, id, res, 'request-correction', body, key, () => ({ action: 'REQUEST_CORRECTION', reasons: b.reasons }));
  }

  @Post(':id/resubmit')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin')
  @ApiBody({ schema: jsonSchema(ResubmitSchema) })
  @ApiOperation({ summary: 'CORRECTION_REQUESTED → SUBMITTED with the changed fields' })
  async resubmit(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(ResubmitSchema, body);
    await this.cases.assessResubmission(u, id, b.changes);
    const view = await this.run(u, id, res, 'resubmit', body, key, () => ({ action: 'RESUBMIT', changes: b.changes }));
    if (b.changes.counterparty) await this.cases.screenCounterparty(u, id);
    return view;
  }

  @Post(':id/close-lapsed')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiBody({ schema: jsonSchema(CloseLapsedSchema) })
  @ApiOperation({ summary: 'After the correction deadline passed: close as withdrawn (lapsed)' })
  closeLapsed(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(CloseLapsedSchema, body ?? {});
    return this.run(u, id, res, 'close-lapsed', body ?? {}, key, () => ({ action: 'CLOSE_LAPSED', reason: b.reason }));
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiBody({ schema: jsonSchema(AssignSchema) })
  @ApiOperation({ summary: 'Assign the case to an officer of its queue or a supervisor' })
  async assign(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(AssignSchema, body);
    const visible = await this.cases.loadVisible(u, id);
    await this.cases.validateAssignee(visible.snapshot.queue, b.assignee);
    return this.run(u, id, res, 'assign', body, key, () => ({ action: 'ASSIGN', assignee: b.assignee }));
  }

  @Post(':id/messages')
  @Roles('applicant', 'applicant_admin', 'officer', 'supervisor')
  @ApiHeader(IDEMPOTENCY)
  @ApiBody({ schema: jsonSchema(MessageSchema) })
  @ApiOperation({ summary: 'Post a message to the dialogue' })
  message(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(MessageSchema, body);
    return this.run(u, id, res, 'messages', body, key, (messageId) => ({ action: 'POST_MESSAGE', messageId, body: b.body }), {
      status: 201,
      extra: (r, messageId) => ({ message: { id: messageId, author: u.username, at: r.snapshot.updatedAt } }),
    });
  }

  @Post(':id/queries')
  @Roles('officer', 'supervisor')
  @ApiHeader(IDEMPOTENCY)
  @ApiBody({ schema: jsonSchema(QuerySchema) })
  @ApiOperation({ summary: 'Raise a query to the applicant; stops the stage clock. 201 {id, dueAt, question, case}' })
  query(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(QuerySchema, body);
    return this.run(u, id, res, 'queries', body, key, (queryId) => ({ action: 'RAISE_QUERY', queryId, question: b.question }), {
      status: 201,
      // API.md: 201 {id, dueAt}; the question and the updated case come along.
      respond: (view, r) => ({ id: r.queryId, dueAt: r.queryDueAt, question: b.question, case: view }),
    });
  }

  @Post(':id/queries/:queryId/answer')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin')
  @ApiBody({ schema: jsonSchema(AnswerSchema) })
  @ApiOperation({ summary: 'Answer an open query; restarts the stage clock when none is left open' })
  answer(@CurrentUser() u: UserRecord, @Param('id') id: string, @Param('queryId') queryId: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(AnswerSchema, body);
    return this.run(u, id, res, `queries/${queryId}/answer`, body, key, (messageId) => ({ action: 'ANSWER_QUERY', queryId, body: b.body, messageId }));
  }

  @Post(':id/concern-information')
  @Roles('officer', 'supervisor')
  @ApiHeader(IDEMPOTENCY)
  @ApiBody({ schema: jsonSchema(ConcernSchema) })
  @ApiOperation({ summary: 'Share concern information with a classification' })
  concern(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(ConcernSchema, body);
    if (!clearanceAllows(u.clearance, b.classification)) {
      throw forbidden(`Your clearance ${u.clearance} does not allow sharing ${b.classification} information.`);
    }
    return this.run(u, id, res, 'concern-information', body, key, (concernId) => ({ action: 'SHARE_CONCERN_INFORMATION', concernId, classification: b.classification }), {
      status: 201,
      before: (concernId) => this.cases.writePendingConcern(concernId, id, b.title, b.body, b.classification, u.username),
      onRefused: (concernId) => this.cases.dropPendingConcern(concernId),
      extra: (r, concernId) => ({ concernInformation: { id: concernId, title: b.title, classification: b.classification, sharedAt: r.snapshot.updatedAt } }),
    });
  }

  @Post(':id/conclude')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiBody({ schema: jsonSchema(ConcludeSchema) })
  @ApiOperation({ summary: 'IN_CONSULTATION → CLEARED' })
  conclude(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(ConcludeSchema, body);
    return this.run(u, id, res, 'conclude', body, key, () => ({ action: 'CONCLUDE', summary: b.summary, commitments: b.commitments }));
  }

  @Post(':id/inform-proposals')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiHeader(IDEMPOTENCY)
  @ApiBody({ schema: jsonSchema(InformProposalSchema) })
  @ApiOperation({ summary: 'IN_CONSULTATION → INFORM_PENDING_APPROVAL; the response has approvalId' })
  informProposal(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(InformProposalSchema, body);
    return this.run(u, id, res, 'inform-proposals', body, key, () => ({ action: 'PROPOSE_INFORM', reasons: b.reasons, proposedConditions: b.proposedConditions }), {
      extra: (r) => ({ approvalId: r.approvalId }),
    });
  }

  @Post(':id/license-application')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin')
  @ApiBody({ schema: jsonSchema(LicenseApplicationSchema) })
  @ApiOperation({ summary: 'INFORM_ISSUED → LICENSE_REVIEW' })
  licenseApplication(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(LicenseApplicationSchema, body);
    return this.run(u, id, res, 'license-application', body, key, () => ({ action: 'SUBMIT_LICENSE_APPLICATION', description: b.description, conditionsAccepted: b.conditionsAccepted }));
  }

  @Post(':id/decision-proposals')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  @ApiHeader(IDEMPOTENCY)
  @ApiBody({ schema: jsonSchema(DecisionProposalSchema) })
  @ApiOperation({ summary: 'LICENSE_REVIEW → DECISION_PENDING_APPROVAL; the response has approvalId' })
  decisionProposal(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(DecisionProposalSchema, body);
    return this.run(u, id, res, 'decision-proposals', body, key, () => ({ action: 'PROPOSE_DECISION', decision: b.decision, conditions: b.conditions, reasons: b.reasons }), {
      extra: (r) => ({ approvalId: r.approvalId }),
    });
  }

  @Post(':id/approvals/:approvalId')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiBody({ schema: jsonSchema(ApprovalSchema) })
  @ApiOperation({ summary: 'A supervisor other than the proposer approves or rejects a proposal' })
  approval(@CurrentUser() u: UserRecord, @Param('id') id: string, @Param('approvalId') approvalId: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(ApprovalSchema, body);
    return this.run(u, id, res, `approvals/${approvalId}`, body, key, () => ({ action: 'DECIDE_APPROVAL', approvalId, decision: b.decision, comment: b.comment }));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin')
  @ApiBody({ schema: jsonSchema(WithdrawSchema) })
  @ApiOperation({ summary: 'Withdraw the case from any open status' })
  withdraw(@CurrentUser() u: UserRecord, @Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) res: Response) {
    const b = parse(WithdrawSchema, body);
    return this.run(u, id, res, 'withdraw', body, key, () => ({ action: 'WITHDRAW', reason: b.reason }));
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  return parseOr400(schema, body);
}
