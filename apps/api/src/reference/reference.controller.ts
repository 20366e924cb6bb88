import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  checkApplicability,
  isReferenceKind,
  REFERENCE_KINDS,
  versionInForce,
  type ReferenceKind,
} from '@taiwa/domain';
import { CurrentUser, Roles } from '../auth/auth.guard';
import type { UserRecord } from '../auth/users.service';
import { jsonSchema } from '../common/openapi';
import { malformed, ProblemError, unprocessable } from '../common/problem';
import { parseOr400, zodErrors } from '../common/validation';
import { ApplicabilitySchema } from '../cases/schemas';
import { ReferenceDataService, type StoredVersion } from './reference-data.service';
import { REFERENCE_DATA_SCHEMAS, ReferenceVersionBodySchema, VersionNameSchema } from './reference.schemas';

const KIND_PARAM = { name: 'kind', enum: [...REFERENCE_KINDS], description: 'Which reference data' };

function kindOr404(kind: string): ReferenceKind {
  if (!isReferenceKind(kind)) {
    throw new ProblemError(
      404,
      `No reference data of kind "${kind}"; the kinds are ${REFERENCE_KINDS.join(', ')}.`,
    );
  }
  return kind;
}

function summary(v: StoredVersion, inForce: StoredVersion | undefined) {
  return {
    kind: v.kind,
    version: v.version,
    effectiveFrom: v.effectiveFrom,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    inForce: v === inForce,
  };
}

@ApiTags('reference')
@ApiBearerAuth()
@Controller('api/v1')
export class ReferenceController {
  constructor(private readonly reference: ReferenceDataService) {}

  @Post('applicability-checks')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin', 'officer', 'supervisor', 'regulator_admin')
  @ApiOperation({
    summary:
      'Does this transaction need an advance report? From the reference data in force, with reasons and rule references',
  })
  @ApiBody({ schema: jsonSchema(ApplicabilitySchema) })
  async applicability(@Body() body: unknown) {
    const input = parseOr400(ApplicabilitySchema, body);
    const { ref, versions } = await this.reference.advanceReportData();
    const result = checkApplicability(ref, input);
    if (result.unknown.length > 0)
      throw unprocessable(result.unknown, 'Unknown reference codes; see errors.');
    return {
      reportRequired: result.reportRequired,
      reasons: result.reasons,
      ruleRefs: result.ruleRefs,
      referenceVersion: ref.version,
      referenceVersions: versions,
    };
  }

  @Get('reference-data')
  @ApiOperation({
    summary:
      'The advance-report reference data in force: designated technologies, transaction types, country groups',
  })
  async referenceData() {
    const { ref, versions } = await this.reference.advanceReportData();
    return { ...ref, referenceVersions: versions };
  }

  @Get('reference-data/:kind')
  @ApiParam(KIND_PARAM)
  @ApiOperation({ summary: 'The version of one kind of reference data in force today (Tokyo date)' })
  async inForce(@Param('kind') kind: string) {
    const v = await this.reference.inForce(kindOr404(kind));
    return { kind: v.kind, version: v.version, effectiveFrom: v.effectiveFrom, data: v.data };
  }

  @Get('reference-data/:kind/versions')
  @Roles('regulator_admin')
  @ApiParam(KIND_PARAM)
  @ApiOperation({
    summary:
      'Every version of one kind (regulator admin), oldest effective date first, with the one in force marked',
  })
  async versions(@Param('kind') kind: string) {
    const all = await this.reference.versions(kindOr404(kind));
    const current = versionInForce(all, this.reference.today());
    return { items: all.map((v) => summary(v, current)), nextCursor: null };
  }

  @Put('reference-data/:kind/versions/:version')
  @Roles('regulator_admin')
  @ApiParam(KIND_PARAM)
  @ApiParam({
    name: 'version',
    description: 'A new version name, e.g. 2026-04-01; versions never change once stored',
  })
  @ApiOperation({
    summary:
      'Load a new version of one kind (regulator admin): 201; the same content again 200; other content under an existing name 409; bad data 422',
  })
  @ApiBody({ schema: jsonSchema(ReferenceVersionBodySchema) })
  async put(
    @CurrentUser() user: UserRecord,
    @Param('kind') kind: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const k = kindOr404(kind);
    const name = VersionNameSchema.safeParse(version);
    if (!name.success) throw malformed([{ field: 'version', message: name.error.issues[0]!.message }]);
    const envelope = parseOr400(ReferenceVersionBodySchema, body);
    const data = REFERENCE_DATA_SCHEMAS[k].safeParse(envelope.data);
    if (!data.success) {
      const errors = zodErrors(data.error).map((e) => ({
        ...e,
        field: e.field ? `data.${e.field}` : 'data',
      }));
      throw unprocessable(errors, `The ${k} data is not acceptable; see errors. Nothing was stored.`);
    }
    const { created, stored } = await this.reference.put(
      k,
      name.data,
      envelope.effectiveFrom,
      data.data as never,
      user.username,
    );
    res.status(created ? 201 : 200);
    res.setHeader('Location', `/api/v1/reference-data/${k}/versions/${stored.version}`);
    const current = versionInForce(await this.reference.versions(k), this.reference.today());
    return { ...summary(stored, current), inForce: current?.version === stored.version };
  }
}
