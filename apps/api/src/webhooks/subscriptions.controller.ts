import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentUser, Roles } from '../auth/auth.guard';
import type { UserRecord } from '../auth/users.service';
import { jsonSchema } from '../common/openapi';
import { parseOr400 } from '../common/validation';
import { SubscriptionsService } from './subscriptions.service';
import { ConsentSchema, ReplaySchema, SubscriptionSchema } from './subscriptions.schemas';

const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
const NotificationsQuery = z
  .object({ subscriptionId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) })
  .strict();

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('partner', 'applicant_admin')
@Controller('api/v1')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post('webhook-subscriptions')
  @ApiOperation({ summary: 'Subscribe an endpoint; the secret is shown once' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: jsonSchema(SubscriptionSchema) })
  async create(
    @CurrentUser() user: UserRecord,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const input = parseOr400(SubscriptionSchema, body);
    const result = await this.subscriptions.create(user, input, key, body);
    res.status(result.status);
    return result.body;
  }

  @Get('webhook-subscriptions')
  @ApiOperation({ summary: "The organisation's subscriptions" })
  list(@CurrentUser() user: UserRecord) {
    return this.subscriptions.list(user);
  }

  @Get('webhook-subscriptions/:id')
  get(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.subscriptions.get(user, id);
  }

  @Delete('webhook-subscriptions/:id')
  @HttpCode(204)
  async remove(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    await this.subscriptions.remove(user, id);
  }

  @Get('webhook-subscriptions/:id/deliveries')
  @ApiOperation({ summary: 'Deliveries with every attempt: status code, duration, error' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  })
  deliveries(@CurrentUser() user: UserRecord, @Param('id') id: string, @Query() query: unknown) {
    const { limit } = parseOr400(DeliveriesQuery, query, 'query');
    return this.subscriptions.deliveries(user, id, limit);
  }

  @Post('webhook-subscriptions/:id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-send events from a sequence or a time on (same webhook-id)' })
  @ApiBody({ schema: jsonSchema(ReplaySchema) })
  replay(@CurrentUser() user: UserRecord, @Param('id') id: string, @Body() body: unknown) {
    return this.subscriptions.replay(user, id, parseOr400(ReplaySchema, body));
  }

  @Post('webhook-subscriptions/:id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new secret; the old one keeps signing for 24 h' })
  rotate(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.subscriptions.rotateSecret(user, id);
  }

  @Post('webhook-subscriptions/:id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable a disabled endpoint and replay what it missed' })
  enable(@CurrentUser() user: UserRecord, @Param('id') id: string) {
    return this.subscriptions.enable(user, id);
  }

  @Post('webhook-subscriptions/:id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Retry one delivery now' })
  retry(@CurrentUser() user: UserRecord, @Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.subscriptions.retryDelivery(user, id, deliveryId);
  }

  @Get('webhook-notifications')
  @ApiOperation({
    summary: 'What the organisation was told about its endpoints: disabled after failing, re-enabled',
  })
  @ApiQuery({ name: 'subscriptionId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  })
  notifications(@CurrentUser() user: UserRecord, @Query() query: unknown) {
    const { subscriptionId, limit } = parseOr400(NotificationsQuery, query, 'query');
    return this.subscriptions.notifications(user, subscriptionId, limit);
  }

  @Get('partner-consents')
  @Roles('applicant_admin')
  @ApiOperation({ summary: 'Partners this organisation lets receive its status-level data' })
  consents(@CurrentUser() user: UserRecord) {
    return this.subscriptions.consents(user);
  }

  @Post('partner-consents')
  @Roles('applicant_admin')
  @ApiBody({ schema: jsonSchema(ConsentSchema) })
  @ApiOperation({ summary: 'Grant a partner access to status-level data and webhooks' })
  grant(@CurrentUser() user: UserRecord, @Body() body: unknown) {
    return this.subscriptions.grantConsent(user, parseOr400(ConsentSchema, body).partnerOrganizationId);
  }

  @Delete('partner-consents/:partnerOrganizationId')
  @Roles('applicant_admin')
  @ApiOperation({ summary: 'Revoke a partner: it stops receiving events at once' })
  revoke(@CurrentUser() user: UserRecord, @Param('partnerOrganizationId') partner: string) {
    return this.subscriptions.revokeConsent(user, partner);
  }
}
