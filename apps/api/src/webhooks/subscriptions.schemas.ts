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
    // Bounded to what PostgreSQL's integer and timestamptz take, so odd input is a 400, not a 500.
    fromSequence: z.number().int().min(1).max(2147483647).optional(),
    since: z.iso
      .datetime({ offset: true })
      .refine((s) => Date.parse(s) >= 0, 'must be 1970 or later')
      .optional(),
    caseId: z.uuid().optional(),
  })
  .strict()
  .refine((r) => (r.fromSequence === undefined) !== (r.since === undefined), {
    message: 'give exactly one of fromSequence or since',
    path: ['fromSequence'],
  });

export const ConsentSchema = z
  .object({ partnerOrganizationId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be an organisation id') })
  .strict();
