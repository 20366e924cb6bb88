import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { checkApplicability, REFERENCE_DATA } from '@taiwa/domain';
import { Roles } from '../auth/auth.guard';
import { jsonSchema } from '../common/openapi';
import { unprocessable } from '../common/problem';
import { parseOr400 } from '../common/validation';
import { ApplicabilitySchema } from '../cases/schemas';

@ApiTags('reference')
@ApiBearerAuth()
@Controller('api/v1')
export class ReferenceController {
  @Post('applicability-checks')
  @HttpCode(200)
  @Roles('applicant', 'applicant_admin', 'officer', 'supervisor', 'regulator_admin')
  @ApiOperation({ summary: 'Does this transaction need an advance report? With reasons and rule references' })
  @ApiBody({ schema: jsonSchema(ApplicabilitySchema) })
  applicability(@Body() body: unknown) {
    const input = parseOr400(ApplicabilitySchema, body);
    const result = checkApplicability(REFERENCE_DATA, input);
    if (result.unknown.length > 0) throw unprocessable(result.unknown, 'Unknown reference codes; see errors.');
    return {
      reportRequired: result.reportRequired,
      reasons: result.reasons,
      ruleRefs: result.ruleRefs,
      referenceVersion: REFERENCE_DATA.version,
    };
  }

  @Get('reference-data')
  @ApiOperation({ summary: 'The reference data in force: designated technologies, transaction types, country groups' })
  referenceData() {
    return REFERENCE_DATA;
  }
}
