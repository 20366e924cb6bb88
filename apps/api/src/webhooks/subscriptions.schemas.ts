import { z } from 'zod';
import { EVENT_TYPES } from '@taiwa/webhooks';

export const SubscriptionSchema = z
  .object({
    url: z.string().url('must be an absolute URL').max(2000),
    eventTypes: z
      .array(z.union([z.enum(EVENT_TYPES), z.literal('*')]))
      .min(1, 'name at least one event type, or "*"')
      .max(EVENT_TYPES.length + 1),
    description: z.string().trim().max(500).optional(),
  })
  .strict();

export const ReplaySchema = z
  .object({
    fromSequence: z.number().int().min(1).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    caseId: z.uuid().optional(),
  })
  .strict()
  .refine((r) => (r.fromSequence === undefined) !== (r.since === undefined), {
    message: 'give exactly one of fromSequence or since',
    path: ['fromSequence'],
  });

export const ConsentSchema = z.object({ partnerOrganizationId: z.string().min(1).max(100) }).strict();
