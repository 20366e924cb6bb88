/**
 * The webhook body: one CloudEvents 1.0 event in structured JSON mode (design: API.md "Webhooks").
 * Payloads carry status-level data only: never messages, concern information or documents.
 */

export const EVENT_TYPES = [
  'case.submitted',
  'case.status_changed',
  'case.query_raised',
  'case.deadline_warning',
  'case.deadline_breached',
  'case.escalated',
  'case.withdrawn',
] as const;

export type WebhookEventType = (typeof EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export interface CaseEventData {
  caseId: string;
  caseNumber: string;
  organizationId: string;
  /** Numbers a case's webhook events 1, 2, 3…: receivers order by it and detect gaps. */
  sequence: number;
  status: string;
  previousStatus?: string | null;
  stage: string;
  [k: string]: unknown;
}

export interface CloudEvent<T = CaseEventData> {
  specversion: '1.0';
  /** Also sent as `webhook-id`; unchanged across retries. */
  id: string;
  source: string;
  type: WebhookEventType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface ToCloudEventInput {
  id: string;
  type: WebhookEventType;
  caseId: string;
  /** RFC 3339 time of the change (not of the delivery attempt). */
  time: string;
  data: CaseEventData;
}

export function toCloudEvent({ id, type, caseId, time, data }: ToCloudEventInput): CloudEvent {
  // subject and data.caseId must name the same case, or a receiver routing on one of them
  // would file the event under the wrong case.
  if (data.caseId !== caseId) throw new Error(`data.caseId ${data.caseId} differs from caseId ${caseId}`);
  return {
    specversion: '1.0',
    id,
    source: `/cases/${caseId}`,
    type,
    subject: caseId,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

/** Does a subscription's `eventTypes` list include `type`? `'*'` subscribes to everything. */
export function matchesEventTypes(subscriptionTypes: readonly string[], type: string): boolean {
  return subscriptionTypes.includes('*') || subscriptionTypes.includes(type);
}
