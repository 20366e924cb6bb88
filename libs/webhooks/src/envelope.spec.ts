import {
  EVENT_TYPES,
  isWebhookEventType,
  matchesEventTypes,
  toCloudEvent,
  type CaseEventData,
} from './envelope';

const data: CaseEventData = {
  caseId: 'c1',
  caseNumber: 'TT-2026-0001',
  organizationId: 'org1',
  sequence: 4,
  status: 'IN_CONSULTATION',
  previousStatus: 'SUBMITTED',
  stage: 'CONSULTATION',
};

describe('toCloudEvent', () => {
  it('builds a CloudEvents 1.0 structured event', () => {
    expect(
      toCloudEvent({
        id: 'evt_1',
        type: 'case.status_changed',
        caseId: 'c1',
        time: '2026-11-02T09:00:00Z',
        data,
      }),
    ).toEqual({
      specversion: '1.0',
      id: 'evt_1',
      source: '/cases/c1',
      type: 'case.status_changed',
      subject: 'c1',
      time: '2026-11-02T09:00:00Z',
      datacontenttype: 'application/json',
      data,
    });
  });

  it('refuses data about another case', () => {
    expect(() =>
      toCloudEvent({ id: 'evt_1', type: 'case.submitted', caseId: 'c2', time: 't', data }),
    ).toThrow();
  });
});

describe('event types', () => {
  it('lists the seven case events', () => {
    expect(EVENT_TYPES).toHaveLength(7);
    expect(isWebhookEventType('case.escalated')).toBe(true);
    expect(isWebhookEventType('case.deleted')).toBe(false);
  });

  it('matches subscriptions, with * matching all', () => {
    expect(matchesEventTypes(['*'], 'case.withdrawn')).toBe(true);
    expect(matchesEventTypes(['case.submitted', 'case.withdrawn'], 'case.withdrawn')).toBe(true);
    expect(matchesEventTypes(['case.submitted'], 'case.withdrawn')).toBe(false);
    expect(matchesEventTypes([], 'case.submitted')).toBe(false);
  });
});
