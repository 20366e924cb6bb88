import { z } from 'zod';
import { CASE_STATUSES, CLEARANCES, CONDITION_TYPES, DECISIONS, STAGES, TRANSACTION_RELATIONSHIPS } from '@taiwa/domain';

/** PostgreSQL cannot store U+0000 in text or jsonb; refuse it at the door rather than fail later. */
const plain = (max: number) =>
  z.string().max(max).refine((s) => !s.includes('\u0000'), 'must not contain the NUL character');
const text = (max: number) => plain(max).trim().min(1, 'must not be empty');

export const CounterpartySchema = z
  .object({
    name: text(500),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as VN'),
    relationship: z.enum(TRANSACTION_RELATIONSHIPS),
  })
  .strict();

export const ContactSchema = z.object({ name: text(200), email: z.email('must be an email address').max(320) }).strict();

export const AdvanceReportSchema = z
  .object({
    technologyCategory: text(100),
    technologyDescription: text(10000),
    transactionType: text(100),
    counterparty: CounterpartySchema,
    plannedContractDate: z.iso.date('must be a date YYYY-MM-DD'),
    contact: ContactSchema,
    voluntary: z.boolean().optional(),
  })
  .strict();

export const ResubmitSchema = z
  .object({
    changes: z
      .object({
        technologyCategory: text(100).optional(),
        technologyDescription: text(10000).optional(),
        transactionType: text(100).optional(),
        counterparty: CounterpartySchema.partial().strict().optional(),
        plannedContractDate: z.iso.date('must be a date YYYY-MM-DD').optional(),
        contact: ContactSchema.partial().strict().optional(),
        voluntary: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

/** Accepting takes no input; anything sent is a mistake worth telling the client about. */
export const AcceptSchema = z.object({}).strict();
export const RequestCorrectionSchema = z.object({ reasons: z.array(text(2000)).min(1).max(50) }).strict();
export const AssignSchema = z.object({ assignee: text(320) }).strict();
export const MessageSchema = z.object({ body: text(20000) }).strict();
export const QuerySchema = z.object({ question: text(20000) }).strict();
export const AnswerSchema = z.object({ body: text(20000) }).strict();
export const ConcernSchema = z
  .object({ title: text(500), body: text(50000), classification: z.enum(CLEARANCES) })
  .strict();
export const ConcludeSchema = z
  .object({ summary: text(20000), commitments: z.array(text(2000)).max(100).default([]) })
  .strict();

export const ConditionSchema = z
  .object({
    type: z.enum(CONDITION_TYPES),
    description: text(5000),
    maxPercent: z.number().min(0).max(100).optional(),
    intervalMonths: z.number().int().min(1).max(120).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.type === 'EQUITY_RATIO_CAP' && c.maxPercent === undefined) {
      ctx.addIssue({ code: 'custom', path: ['maxPercent'], message: 'EQUITY_RATIO_CAP needs maxPercent' });
    }
    if (c.type === 'PERIODIC_REPORTING' && c.intervalMonths === undefined) {
      ctx.addIssue({ code: 'custom', path: ['intervalMonths'], message: 'PERIODIC_REPORTING needs intervalMonths' });
    }
  });

export const InformProposalSchema = z
  .object({ reasons: text(20000), proposedConditions: z.array(ConditionSchema).max(50).default([]) })
  .strict();
export const LicenseApplicationSchema = z
  .object({ description: text(20000), conditionsAccepted: z.boolean().optional() })
  .strict();
export const DecisionProposalSchema = z
  .object({ decision: z.enum(DECISIONS), conditions: z.array(ConditionSchema).max(50).default([]), reasons: text(20000) })
  .strict();
export const ApprovalSchema = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), comment: plain(5000).trim().optional() })
  .strict();
export const WithdrawSchema = z.object({ reason: text(5000) }).strict();
export const CloseLapsedSchema = z.object({ reason: plain(5000).trim().optional() }).strict();

export const ListQuerySchema = z
  .object({
    status: z.enum(CASE_STATUSES).optional(),
    stage: z.enum(STAGES).optional(),
    queue: z.string().regex(/^[A-Z_]{1,64}$/).optional(),
    assignee: plain(320).min(1).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    escalated: z.enum(['true', 'false']).optional(),
    pendingApproval: z.enum(['true', 'false']).optional(),
    sort: z.enum(['deadline', '-created', 'created']).default('deadline'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: plain(500).optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof ListQuerySchema>;

export const ApplicabilitySchema = z
  .object({ technologyCategory: text(100), transactionType: text(100), counterpartyCountry: z.string().regex(/^[A-Z]{2}$/) })
  .strict();
