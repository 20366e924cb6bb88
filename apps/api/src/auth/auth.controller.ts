import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseOr400 } from '../common/validation';
import { jsonSchema } from '../common/openapi';
import { AuthService } from './auth.service';
import { CurrentUser, Public } from './auth.guard';
import type { UserRecord } from './users.service';

const DevLoginBody = z
  .object({ username: z.string().min(1).max(200).refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20), 'must not contain control characters') })
  .strict();

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/dev-login')
  @HttpCode(200)
  @ApiOperation({ summary: 'AUTH_MODE=dev only: a bearer token for a seeded user' })
  @ApiBody({ schema: jsonSchema(DevLoginBody) })
  async devLogin(@Body() body: unknown) {
    const { username } = parseOr400(DevLoginBody, body);
    return this.auth.devLogin(username);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token belongs to, as recorded here' })
  @ApiOkResponse({ description: '{username, roles[], organizationId, clearance}' })
  me(@CurrentUser() user: UserRecord) {
    return {
      username: user.username,
      displayName: user.displayName,
      roles: [user.role],
      organizationId: user.organizationId,
      clearance: user.clearance,
      queues: user.queues,
    };
  }
}
